"""Bounded request heads (app.server): the real server, spoken to over raw sockets. Oversized
URLs and headers are refused with problem+json before anything large is held, a head sent
too slowly loses its connection, normal requests pass, and the limits follow the settings."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.devtools.server import migrated_sqlite, serve

QUESTION = json.dumps({"question": "Hoe vraag ik de WBSO aan?"}).encode()
MB = 1024 * 1024


def _env(db: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": db, "WEGWIJZER_ALLOW_ANONYMOUS": "true", "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000",
            "WEGWIJZER_REFERRAL_WORKER": "false", "WEGWIJZER_HEADER_TIMEOUT_S": "1", **extra}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(str(tmp_path_factory.mktemp("limits")), "limits")


@pytest.fixture(scope="module")
def port(db: str) -> Iterator[int]:
    """A server with the default limits and a header timeout of 1 s, one process."""
    with serve("app.main:app", _env(db)) as base:
        yield urlsplit(base).port or 0


def _exchange(port: int, raw: bytes, timeout: float = 20.0) -> bytes:
    """Send `raw` on a new connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(raw)  # refused while sending: the answer is still waiting to be read
        return _read_all(s)


def _read_all(s: socket.socket) -> bytes:
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except ConnectionResetError:
        pass
    return out


def _status(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response.split(b" ", 2)[1])


def _problem(response: bytes, status: int) -> dict[str, object]:
    head, _, body = response.partition(b"\r\n\r\n")
    assert _status(response) == status, response[:300]
    assert b"content-type: application/problem+json" in head.lower()
    assert b"connection: close" in head.lower()
    problem: dict[str, object] = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert str(problem["type"]).startswith("/problems/")
    return problem


def _get(path: str = "/healthz", headers: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"Connection: close\r\n\r\n"


def _memory_kb(pid: int) -> dict[str, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}


def _server_pid(port: int) -> int:
    """The uvicorn process serve() started on `port` (one process: it is the server)."""
    for d in Path("/proc").iterdir():
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in cmd and b"--port" in cmd and cmd[cmd.index(b"--port") + 1] == str(port).encode():
            return int(d.name)
    raise AssertionError(f"no server process on port {port}")


def test_normal_requests_pass(port: int) -> None:
    assert _status(_exchange(port, _get())) == 200
    post = (b"POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(QUESTION)) + QUESTION
    response = _exchange(port, post)
    assert _status(response) == 200, response[:500]
    assert json.loads(response.partition(b"\r\n\r\n")[2])["outcome"] == "routed"
    # Headers under every limit, and two requests on one kept-alive connection.
    many = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"v" * 200) for i in range(60))
    keep_alive = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many + b"\r\n" + _get(headers=many)
    assert _exchange(port, keep_alive).count(b"HTTP/1.1 200 ") == 2


def test_huge_headers_are_refused_without_being_held(port: int) -> None:
    pid = _server_pid(port)
    assert _status(_exchange(port, _get())) == 200
    before = _memory_kb(pid)
    for size in (2 * MB, 2 * MB, 2 * MB, 2 * MB, 2 * MB, 32 * MB):
        problem = _problem(_exchange(port, _get(headers=b"X-Big: " + b"a" * size + b"\r\n")), 431)
        assert "larger than" in str(problem["detail"])
    after = _memory_kb(pid)
    # Unbounded, one 32 MB header alone takes the peak up by 64 MB (httptools joins its pieces).
    assert after["VmRSS"] - before["VmRSS"] < 20 * 1024, (before, after)
    assert after["VmHWM"] - before["VmHWM"] < 20 * 1024, (before, after)
    assert _status(_exchange(port, _get())) == 200  # the server still answers


def test_too_many_or_too_large_headers_are_refused(port: int) -> None:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
    assert "more than 100 headers" in str(_problem(_exchange(port, _get(headers=many)), 431)["detail"])
    one_too_large = b"X-Big: " + b"a" * (9 * 1024) + b"\r\n"  # over 8 KiB, under the head limit
    assert "a header is larger" in str(_problem(_exchange(port, _get(headers=one_too_large)), 431)["detail"])
    together = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"v" * 4000) for i in range(9))  # 36 KB in 9 headers
    assert "headers are larger" in str(_problem(_exchange(port, _get(headers=together)), 431)["detail"])


def test_long_urls_are_refused(port: int) -> None:
    for length in (9 * 1024, 4 * MB):
        _problem(_exchange(port, _get("/healthz?q=" + "a" * length)), 414)
    assert _status(_exchange(port, _get("/healthz?q=" + "a" * 7000))) == 200


def test_a_slow_head_loses_its_connection(port: int) -> None:
    """Header timeout 1 s: half a head and silence, a head sent byte by byte, and a
    connection that sends nothing are all closed; the first two after a 408."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        t0 = time.monotonic()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        response = _read_all(s)
        waited = time.monotonic() - t0
    _problem(response, 408)
    assert 0.5 < waited < 15

    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        t0 = time.monotonic()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for byte in _get(headers=b"X-Slow: " + b"a" * 200 + b"\r\n"):
                if select.select([s], [], [], 0)[0]:
                    break  # answered: stop sending
                s.sendall(bytes([byte]))
                time.sleep(0.02)  # 260 bytes take about 5 s, the limit is 1 s
        response = _read_all(s)
        assert time.monotonic() - t0 < 15
    _problem(response, 408)

    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        assert _read_all(s) == b""  # closed without an answer


def test_limits_follow_the_settings_in_every_worker(db: str) -> None:
    big = b"X-Big: " + b"a" * (40 * 1024) + b"\r\n"
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    env = _env(db, WEGWIJZER_MAX_HEADER_LINE_BYTES="65536", WEGWIJZER_MAX_HEADER_BYTES="131072",
               WEGWIJZER_MAX_HEADER_COUNT="200", WEGWIJZER_MAX_REQUEST_LINE_BYTES="32768")
    with serve("app.main:app", env, workers=2) as base:
        port = urlsplit(base).port or 0
        for _ in range(4):  # new connections: both workers answer some
            assert _status(_exchange(port, _get(headers=big))) == 200
            assert _status(_exchange(port, _get(headers=many))) == 200
            assert _status(_exchange(port, _get("/healthz?q=" + "a" * 20_000))) == 200
            _problem(_exchange(port, _get(headers=b"X-Big: " + b"a" * 2 * MB + b"\r\n")), 431)
            _problem(_exchange(port, _get(headers=b"X-Big: " + b"a" * 70_000 + b"\r\n")), 431)


def test_settings_that_do_not_validate_stop_the_server_at_start() -> None:
    """Not every connection later: a protocol that cannot read its limits would leave each one
    open without an answer (seen with an out-of-range WEGWIJZER_ANONYMOUS_RATE_LIMIT)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "WEGWIJZER_MAX_HEADER_COUNT": "not a number"}
    done = subprocess.run([sys.executable, "-m", "uvicorn", "app.devtools.bare:app", "--port", "0",
                           "--http", "app.server:BoundedHttpToolsProtocol"],
                          env=env, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode != 0 and "max_header_count" in done.stderr
