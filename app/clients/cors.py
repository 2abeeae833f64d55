"""CORS for the widget on portals' pages: the allowed origins are the configured ones
(WEGWIJZER_CORS_ORIGINS) plus those registered on active API clients, looked up live, so that a
new portal works as soon as its client exists. Which key may be used from which origin is
checked by app.clients.auth.Access."""

from __future__ import annotations

from collections.abc import Callable

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = ["Authorization", "Content-Type", "X-API-Key", "X-Wegwijzer-Channel", "X-Request-ID"]


class ClientCORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, configured: list[str], registered: Callable[[], frozenset[str]]) -> None:
        super().__init__(app, allow_origins=configured, allow_methods=["GET", "POST"], allow_headers=HEADERS,
                         expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
        self.registered = registered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(k == b"origin" for k, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        # No Origin (every call that is not from a browser): nothing to allow or refuse; the
        # answer only says that it varies by Origin, as Starlette's middleware would write it,
        # without building its header views for every request.
        async def send_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                at = [i for i, (k, _) in enumerate(headers) if k.lower() == b"vary"]
                if not at:
                    headers.append((b"vary", b"Origin"))
                else:
                    merged = b", ".join([*(headers[i][1] for i in at), b"Origin"])
                    headers[at[0]] = (b"vary", merged)
                    for i in reversed(at[1:]):
                        del headers[i]
            await send(message)

        await self.app(scope, receive, send_vary)

    def is_allowed_origin(self, origin: str) -> bool:
        return super().is_allowed_origin(origin) or origin in self.registered()
