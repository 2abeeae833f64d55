"""Start a uvicorn server in a subprocess on a free loopback port, for eval and bench."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager


def migrate(url: str) -> str:
    """Bring the database at `url` to the newest schema (`python -m app migrate`)."""
    subprocess.run([sys.executable, "-m", "app", "migrate"], env={**os.environ, "DATABASE_URL": url},
                   check=True, capture_output=True)
    return url


def migrated_sqlite(directory: str, name: str) -> str:
    """A fresh SQLite database at the newest schema, for a throwaway server."""
    return migrate(f"sqlite:///{directory}/{name}.db")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, load-generator CPUs): the server measured gets a CPU of its own, so the
    load generator never competes with it and everything the server does (its decision-log
    writer thread included) counts against its own throughput. None where pinning is not possible."""
    if not hasattr(os, "sched_setaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[0]}, set(cpus[1:])


class Base(str):
    """The server's base URL, with the pid of its uvicorn process (with one worker: the worker)."""

    pid: int


@contextmanager
def serve(app: str, env: dict[str, str] | None = None, timeout: float = 30.0,
          cpus: set[int] | None = None, workers: int = 1, ready_path: str = "/healthz",
          poll_s: float = 0.1) -> Iterator[Base]:
    """Serve `app` with uvicorn (`workers` processes), yielding once `ready_path` answers 200
    (polled every `poll_s`); `cpus` pins it (and every thread it starts) to those CPUs."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning", "--workers", str(workers),
           "--http", "app.server:BoundedHttpToolsProtocol"]

    def pin() -> None:
        if cpus:
            os.sched_setaffinity(0, cpus)

    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, preexec_fn=pin if cpus else None)
    base = Base(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + ready_path, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server {app} did not start")
            time.sleep(poll_s)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
