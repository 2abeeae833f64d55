"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs throughput on every request):
a request id on every response and log line, security headers, a hard limit on the request
body size, JSON-only request bodies, the /v1 deprecation headers, and a deadline per request."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, date, datetime
from email.utils import format_datetime

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clients.auth import LACKS_SCOPE, NEEDS_KEY, UNCHECKABLE, UNKNOWN_KEY, key_of
from app.observability import HTTP_LATENCY, HTTP_REQUESTS, labelled
from app.problems import PROBLEM_JSON

log = structlog.get_logger("wegwijzer.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_JSON_TYPE = re.compile(rb"^application/([a-z0-9.+-]+\+)?json\s*(;.*)?$", re.IGNORECASE)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# On every response (the HTML pages add their CSP in app.web).
_SECURITY = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))


def deprecation_headers(deprecated_on: date | None, sunset_on: date | None, link: str) -> list[tuple[bytes, bytes]]:
    """RFC 9745 Deprecation ("@" + Unix time), RFC 8594 Sunset (HTTP date) and their Link."""
    out: list[tuple[bytes, bytes]] = []
    if deprecated_on is not None:
        at = datetime(deprecated_on.year, deprecated_on.month, deprecated_on.day, tzinfo=UTC)
        out.append((b"deprecation", f"@{int(at.timestamp())}".encode()))
        out.append((b"link", f'<{link}>; rel="deprecation"; type="text/html"'.encode()))
    if sunset_on is not None:
        at = datetime(sunset_on.year, sunset_on.month, sunset_on.day, tzinfo=UTC)
        out.append((b"sunset", format_datetime(at, usegmt=True).encode()))
        out.append((b"link", f'<{link}>; rel="sunset"; type="text/html"'.encode()))
    return out


def new_request_id() -> str:
    """The server's own handle of a request, and of the decision it gets: a random UUID (122
    random bits), so nobody can guess another client's decision or claim one in advance."""
    return str(uuid.uuid4())


class RequestContext:
    """Sets scope["state"]["request_id"] to a new server-owned id (`new_request_id`); a
    client's well-formed X-Request-ID is only a correlation id (scope["state"]["correlation_id"]),
    logged with every line and echoed as X-Request-ID — never a record's key. Without one the
    server's id is echoed. Refuses bodies over `max_body` bytes with 413."""

    def __init__(self, app: ASGIApp, max_body: int, large_bodies: tuple[str, int, str] | None = None,
                 v1_headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        # (path prefix, limit, scope): uploads of whole rule sets are far larger than a question
        self.large_bodies = large_bodies
        self.v1_headers = v1_headers or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = None
        length = None
        ctype = None
        chunked = False
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                cand = v.decode("latin-1")
                correlation = cand if _SAFE_ID.match(cand) else None
            elif k == b"content-length":
                length = v
            elif k == b"content-type":
                ctype = v
            elif k == b"transfer-encoding":
                chunked = True
        rid = new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = rid
        if correlation is not None:
            state["correlation_id"] = correlation
            structlog.contextvars.bind_contextvars(request_id=rid, correlation_id=correlation)
        else:
            structlog.contextvars.bind_contextvars(request_id=rid)
        extra = [(b"x-request-id", (correlation or rid).encode())]
        if self.v1_headers and scope["path"].startswith("/v1/"):
            extra += self.v1_headers

        started = False
        status = 500
        t0 = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = [*message.get("headers", []), *extra]
                present = {k.lower() for k, _ in headers}
                headers += [h for h in _SECURITY if h[0] not in present]
                message["headers"] = headers
            await send(message)

        if b"%00" in scope.get("raw_path", b"") or b"%00" in scope.get("query_string", b""):
            # No id, name or date holds a NUL, and PostgreSQL text cannot even compare with one.
            await _problem(scope, send_with_id, rid, 422, "Invalid input",
                           "the path or query contains a NUL character (%00)")
            _observe(scope, 422, t0)
            return
        has_body = chunked or (length is not None and length.strip() not in (b"", b"0"))
        if scope["method"] in _BODY_METHODS and has_body and (ctype is None or not _JSON_TYPE.match(ctype.strip())):
            await _problem(scope, send_with_id, rid, 415, "Unsupported media type",
                           "send the request body as JSON (Content-Type: application/json)")
            _observe(scope, status, t0)
            return

        max_body = self.max_body
        if (self.large_bodies is not None and scope["path"].startswith(self.large_bodies[0])
                and (chunked or _over(length, max_body))):
            # Whole rule sets are far larger than a question: only for a key that may send them,
            # checked before a byte of the body is read.
            refused = await _upload_refusal(scope, self.large_bodies[2])
            if refused is not None:
                code, title, detail, headers = refused
                await _problem(scope, send_with_id, rid, code, title, detail, headers)
                _observe(scope, status, t0)
                return
            max_body = self.large_bodies[1]
        if length is not None:
            try:
                too_big = int(length) > max_body
            except ValueError:
                too_big = False
            if too_big:
                await self._too_large(scope, send_with_id, rid, max_body)
                _observe(scope, status, t0)
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

        try:
            await self.app(scope, limited_receive, send_with_id)
        except Exception:
            if started:
                raise
            # Answered here, inside the request context: with the request id and the security
            # headers, and never with a stack trace or an internal path. The log has the trace.
            log.exception("unhandled_error", path=scope.get("path", ""))
            await _problem(scope, send_with_id, rid, 500, "Internal error",
                           "An unexpected error occurred; it has been logged.")
        finally:
            _observe(scope, status, t0)

    async def _too_large(self, scope: Scope, send: Send, rid: str, max_body: int) -> None:
        await _problem(scope, send, rid, 413, "Request body too large",
                       f"the request body is larger than {max_body} bytes")


def _over(length: bytes | None, limit: int) -> bool:
    try:
        return length is not None and int(length) > limit
    except ValueError:
        return False


async def _upload_refusal(scope: Scope, needed: str) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
    """None when the request's key holds `needed` (from the key cache, else a lookup in a thread
    within its budget); else the answer (status, title, detail, headers), as app.clients.auth
    would give it after reading the body."""
    headers = dict(scope["headers"])
    challenge = [(b"www-authenticate", b'Bearer realm="wegwijzer"')]
    try:
        key = key_of(headers.get(b"authorization", b"").decode("latin-1") or None,
                     headers[b"x-api-key"].decode("latin-1") if b"x-api-key" in headers else None)
    except ValueError as e:
        return 401, "Unauthorized", str(e), challenge
    if not key:
        return 401, "Unauthorized", NEEDS_KEY.format(scope=needed), challenge
    auth = scope["app"].state.auth
    known, caller = auth.cached(key)
    if not known:
        try:
            caller = await asyncio.wait_for(run_in_threadpool(auth.caller, key), auth.key_lookup_budget_s)
        except Exception:  # the key store is unavailable or out of time
            return 503, "Service unavailable", UNCHECKABLE, [(b"retry-after", b"5")]
    if caller is None:
        return 401, "Unauthorized", UNKNOWN_KEY, challenge
    if not caller.may(needed):
        return 403, "Forbidden", LACKS_SCOPE.format(scope=needed), []
    return None


def _observe(scope: Scope, status: int, t0: float) -> None:
    """Count the request under its route template ("unmatched" for unknown paths)."""
    route = getattr(scope.get("route"), "path", None) or "unmatched"
    labelled(HTTP_REQUESTS, route, scope["method"], str(status)).inc()
    labelled(HTTP_LATENCY, route).observe(time.perf_counter() - t0)


async def _problem(scope: Scope, send: Send, rid: str, status: int, title: str, detail: str,
                   headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A problem+json answer sent from middleware, before the application sees the request."""
    body = json.dumps({
        "type": "/problems/" + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": scope.get("path", ""),
        "request_id": rid,
    }).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class Deadline:
    """Answers 503 when the application has not started its response within `seconds`.
    (Work already running in a thread finishes in the background; the caller is not kept
    waiting and may retry.)"""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as deadline:
                await self.app(scope, receive, send_tracked)
        except TimeoutError:
            if not deadline.expired() or started:
                raise
            rid = scope.get("state", {}).get("request_id", "")
            await _problem(scope, send, rid, 503, "Service unavailable",
                           f"the request took longer than {self.seconds:g} s; please retry",
                           [(b"retry-after", b"1")])
