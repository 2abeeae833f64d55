"""Bounded request heads: the HTTP protocol every start path runs uvicorn with
(`uvicorn --http app.server:BoundedHttpToolsProtocol`).

uvicorn's httptools protocol puts no bound on a request head. httptools joins the pieces of a
header by bytes concatenation until the header ends and uvicorn keeps every header, so one 64 MB
header or 100,000 small ones end up in memory (and cost seconds of CPU), and a client that sends
its head slowly holds a connection for as long as it likes. gunicorn's `limit_request_*`
settings do not reach uvicorn's protocols, so the limits live here, below the app:

- the raw bytes of a head are counted as they arrive, and the parser is fed no more than
  URL + headers limits allow: an oversized head is refused without ever being held;
- the URL, each header, the headers together and their number are checked in the parser's
  callbacks, before uvicorn stores them;
- a head must be complete within `header_timeout_s` of the connection's opening or of the
  request's first byte (idle keep-alive connections keep uvicorn's `--timeout-keep-alive`).

A request over a limit never reaches the app: it gets 414 (URL) or 431 (headers) as
application/problem+json and the connection closes; a head not complete in time gets 408 and
the connection closes (a connection that sent nothing is just closed). The limits are settings
(app.config: WEGWIJZER_MAX_REQUEST_LINE_BYTES, _MAX_HEADER_LINE_BYTES, _MAX_HEADER_BYTES,
_MAX_HEADER_COUNT, _HEADER_TIMEOUT_S), read once per process. Pipelined requests that arrive in
one read with the end of the request before them can bring the bytes held for one head to its
limit plus one socket read (about 256 KB); the callback checks still apply to them.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import structlog
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from app.config import get_settings

log = structlog.get_logger("wegwijzer.http")

TITLES = {408: "Request timeout", 414: "URI too long", 431: "Request header fields too large"}
# Method, spaces, protocol version and line ends of a head, on top of its URL and headers.
HEAD_SLACK = 64
# After a refusal, input is read and dropped for this long before the socket closes: closing a
# socket with unread input sends a reset, which can destroy the answer before the client reads it.
LINGER_S = 2.0


@dataclass(frozen=True)
class Limits:
    request_line: int  # bytes of the URL
    header_line: int  # bytes of one header's name and value
    headers: int  # bytes of all headers (name, value, ": " and line end each)
    header_count: int
    timeout_s: float

    @property
    def head(self) -> int:
        """Raw bytes of one head fed to the parser at most."""
        return self.request_line + self.headers + HEAD_SLACK


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The limits from the settings, read once per process (uvicorn builds the protocol)."""
    s = get_settings()
    return Limits(s.max_request_line_bytes, s.max_header_line_bytes, s.max_header_bytes,
                  s.max_header_count, s.header_timeout_s)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with bounded request heads (see the module docstring)."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = limits()
        self._in_head = True  # the next bytes belong to a request head
        self._begun = False  # a byte of the current request has arrived
        self._head_bytes = 0  # raw bytes of this head fed to the parser
        self._url_bytes = 0
        self._header_bytes = 0
        self._header_count = 0
        self._refusal: tuple[int, str] | None = None
        self._discarding = False  # refused: input is dropped until the connection closes
        self._head_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None

    # Connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self._limits.timeout_s, self._head_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._head_timer, self._linger_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Feed the parser in pieces, a head never beyond its byte limit."""
        while data and not self._discarding and not self.transport.is_closing():
            if self._in_head:
                room = self._limits.head - self._head_bytes
                if room <= 0:
                    self._refuse(431, f"the request head is larger than {self._limits.head} bytes")
                    return
                piece, data = data[:room], data[room:]
                self._head_bytes += len(piece)
            else:
                piece, data = data, b""
            super().data_received(piece)
            if self._refusal is not None:
                self._refuse(*self._refusal)

    # Parser callbacks: once a request is refused, nothing more of it is kept or run.

    def on_message_begin(self) -> None:
        if self._refusal is not None:
            return
        super().on_message_begin()
        self._begun = True
        self._url_bytes = self._header_bytes = self._header_count = 0
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self._limits.timeout_s, self._head_timeout)

    def on_url(self, url: bytes) -> None:
        if self._refusal is not None:
            return
        self._url_bytes += len(url)
        if self._url_bytes > self._limits.request_line:
            self._refusal = (414, f"the URL is longer than {self._limits.request_line} bytes")
            return
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refusal is not None:
            return
        size = len(name) + len(value)
        self._header_bytes += size + 4
        self._header_count += 1
        if size > self._limits.header_line:
            self._refusal = (431, f"a header is larger than {self._limits.header_line} bytes")
        elif self._header_bytes > self._limits.headers:
            self._refusal = (431, f"the headers are larger than {self._limits.headers} bytes")
        elif self._header_count > self._limits.header_count:
            self._refusal = (431, f"more than {self._limits.header_count} headers")
        else:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refusal is not None:
            return
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._refusal is None:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refusal is not None:
            return
        super().on_message_complete()
        self._in_head, self._begun, self._head_bytes = True, False, 0

    def _should_upgrade(self) -> bool:
        return self._refusal is None and super()._should_upgrade()

    # Refusals

    def _problem(self, status: int, detail: str) -> bytes:
        title = TITLES[status]
        body = json.dumps({"type": "/problems/" + title.lower().replace(" ", "-"), "title": title,
                           "status": status, "detail": detail}).encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-type: application/problem+json\r\n",
                 b"content-length: %d\r\n" % len(body), b"connection: close\r\n\r\n"]
        return b"".join(head) + body

    def _answering(self) -> bool:
        """A request before this one (pipelined) is still being answered: it may finish, then
        the connection closes; writing now would cut into its answer."""
        if self.cycle is None or self.cycle.response_complete:
            return False
        self.cycle.keep_alive = False
        self._discarding = True
        return True

    def _refuse(self, status: int, detail: str) -> None:
        self._refusal = (status, detail)
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        if self._discarding or self.transport.is_closing():
            return
        log.info("request_refused", status=status, reason=detail)
        if self._answering():
            return
        self.transport.write(self._problem(status, detail))
        # Send the answer and a FIN, drop what the client still sends, close at the latest
        # after LINGER_S (earlier when the client closes: uvicorn's eof_received closes).
        self._discarding = True
        self.flow.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._linger_timer = self.loop.call_later(LINGER_S, self.transport.close)

    def _head_timeout(self) -> None:
        self._head_timer = None
        if not self._in_head or self._discarding or self.transport.is_closing() or self._answering():
            return
        if self._begun:
            log.info("request_refused", status=408, reason="head not complete in time")
            self.transport.write(self._problem(408, f"the request head was not complete within "
                                                    f"{self._limits.timeout_s:g} seconds"))
        self.transport.close()


# Read when uvicorn imports this protocol: settings that do not validate stop the server at start,
# instead of failing every connection later (which would leave it open without an answer).
limits()
