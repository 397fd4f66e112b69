/// validate-logs: walks a trail's digest chain, verifies signatures and log file hashes.
public enum TrailIntegrity {}
