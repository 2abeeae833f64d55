"""API clients: keys, scopes, per-client origins and rate limits (see app.clients.auth)."""
