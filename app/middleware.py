"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs throughput on every request):
a request id on every response, and a hard limit on the request body size."""

from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from app.problems import PROBLEM_JSON

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContext:
    """Sets scope["state"]["request_id"] (a client's X-Request-ID when well-formed, else a
    new ULID) and echoes it as X-Request-ID; refuses bodies over `max_body` bytes with 413."""

    def __init__(self, app: ASGIApp, max_body: int, large_bodies: tuple[str, int] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        # (path prefix, limit): uploads of whole rule sets are far larger than a question
        self.large_bodies = large_bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = None
        length = None
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                cand = v.decode("latin-1")
                rid = cand if _SAFE_ID.match(cand) else None
            elif k == b"content-length":
                length = v
        rid = rid or str(ULID())
        scope.setdefault("state", {})["request_id"] = rid
        header = (b"x-request-id", rid.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        max_body = self.max_body
        if self.large_bodies is not None and scope["path"].startswith(self.large_bodies[0]):
            max_body = self.large_bodies[1]
        if length is not None:
            try:
                too_big = int(length) > max_body
            except ValueError:
                too_big = False
            if too_big:
                await self._too_large(scope, send_with_id, rid, max_body)
                return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    # An HTTPException passes FastAPI's body parsing untouched and is rendered
                    # as problem+json by app.problems.
                    raise HTTPException(413, f"the request body is larger than {max_body} bytes")
            return message

        await self.app(scope, limited_receive, send_with_id)

    async def _too_large(self, scope: Scope, send: Send, rid: str, max_body: int) -> None:
        body = json.dumps({
            "type": "/problems/request-body-too-large",
            "title": "Request body too large",
            "status": 413,
            "detail": f"the request body is larger than {max_body} bytes",
            "instance": scope.get("path", ""),
            "request_id": rid,
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
