"""Published rule sets in the database: publishing, the active version, activation with an
audit trail, the workers that follow it, and their HTTP endpoints."""
