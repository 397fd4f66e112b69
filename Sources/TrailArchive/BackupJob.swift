// Backup jobs, schedules.
