"""A TCP proxy between the service and PostgreSQL, for outage tests."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


class Proxy:
    """A TCP proxy to PostgreSQL that a test can take down and bring back (`down`, `up`: the
    database refuses), or hang (`stall`, `resume`: connections stay open, nothing is forwarded,
    as with a server that stopped answering)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._acceptor: threading.Thread | None = None
        self._flowing = threading.Event()
        self._flowing.set()

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def up(self) -> None:
        self._stop.clear()
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(16)
        srv.settimeout(0.2)
        self._server = srv
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def down(self) -> None:
        self._stop.set()
        if self._acceptor:  # a socket closed under a blocked accept() keeps listening until it returns
            self._acceptor.join()
            self._acceptor = None
        if self._server:
            self._server.close()
            self._server = None
        for c in self._conns:
            with suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()
        self._conns.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()  # type: ignore[union-attr]
            except (TimeoutError, OSError):
                continue
            upstream = socket.create_connection(self.target)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                self._flowing.wait()
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def proxied(url: str) -> tuple[Proxy, str]:
    """A proxy (up) in front of the PostgreSQL server of `url`, and the URL that goes through it."""
    host_port = url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = Proxy((host, int(port)))
    proxy.up()
    return proxy, url.replace(host_port, f"127.0.0.1:{proxy.port}")
