// PostgreSQL-backed stores.
