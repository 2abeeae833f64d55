"""Developer tools behind `make eval` and `make bench` (not imported by the service)."""
