"""CORS for the widget on portals' pages: the allowed origins are the configured ones
(WEGWIJZER_CORS_ORIGINS) plus those registered on active API clients, looked up live, so that a
new portal works as soon as its client exists. Which key may be used from which origin is
checked by app.clients.auth.Access."""

from __future__ import annotations

from collections.abc import Callable

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

HEADERS = ["Authorization", "Content-Type", "X-API-Key", "X-Wegwijzer-Channel", "X-Request-ID"]


class ClientCORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, configured: list[str], registered: Callable[[], frozenset[str]]) -> None:
        super().__init__(app, allow_origins=configured, allow_methods=["GET", "POST"], allow_headers=HEADERS,
                         expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
        self.registered = registered

    def is_allowed_origin(self, origin: str) -> bool:
        return super().is_allowed_origin(origin) or origin in self.registered()
