"""A network cable between the app and the PostgreSQL server that a test can pull out and plug back.

A TCP relay on a loopback port: connections through it reach the server while the cable is in.
``cut()`` closes every open connection (the app's and the server's ends both see the line drop)
and refuses new ones until ``mend()``. This is what a counter PC sees when the LAN switch reboots,
without stopping the shared test server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit, urlunsplit


class Cable:
    def __init__(self, server_url: str) -> None:
        parts = urlsplit(server_url)
        self._parts = parts
        self._server = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._plugged = threading.Event()
        self._plugged.set()
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """The server URL with host and port replaced by this relay's."""
        netloc = self._parts.netloc.rsplit("@", 1)
        address = f"127.0.0.1:{self.port}"
        return urlunsplit(self._parts._replace(netloc=f"{netloc[0]}@{address}" if len(netloc) == 2 else address))

    def cut(self) -> None:
        self._plugged.clear()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def mend(self) -> None:
        self._plugged.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._plugged.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self._server)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
