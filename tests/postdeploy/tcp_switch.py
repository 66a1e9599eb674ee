"""A TCP proxy on loopback that stands for a cache endpoint's DNS name during a failover.

The test switches where new connections go (the name now leads to the promoted replica); open
connections stay with the server they reached, as a client's open connection to the old primary
does, unless the test cuts them (the old primary went away). While ``down``, new connections are
closed at once, as when the name leads to a node that is not there. Bytes pass through untouched,
so TLS runs end to end between the client and the server.

With ``plaintext_port`` it also stands for an endpoint in TransitEncryptionMode ``preferred``,
which takes TLS and plaintext on one port: a connection whose first byte opens a TLS handshake
goes to the upstream, any other to the plaintext server.
"""

from __future__ import annotations

import selectors
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

TLS_HANDSHAKE = b"\x16"
"""The content type of a TLS record that opens a handshake."""


class TcpSwitch:
    def __init__(self, upstream_port: int, plaintext_port: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.plaintext_port = plaintext_port
        self.down = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # so that the accepting thread sees the switch closing
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closing = False

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    def switch(self, upstream_port: int) -> None:
        """New connections go to ``upstream_port`` from now on."""
        self.upstream_port = upstream_port

    def cut(self) -> None:
        """Close every open connection."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.down:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self._port_for(client)), timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            thread = threading.Thread(target=_pump, args=(client, upstream), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _port_for(self, client: socket.socket) -> int:
        if self.plaintext_port is None:
            return self.upstream_port
        client.settimeout(5)
        first = client.recv(1, socket.MSG_PEEK)
        return self.upstream_port if first == TLS_HANDSHAKE else self.plaintext_port

    @contextmanager
    def running(self) -> Iterator[TcpSwitch]:
        acceptor = threading.Thread(target=self._accept, daemon=True)
        acceptor.start()
        try:
            yield self
        finally:
            self._closing = True
            self._listener.close()
            self.cut()
            acceptor.join(timeout=5)
            for thread in self._threads:
                thread.join(timeout=5)


def _pump(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    peers = {one: other, other: one}
    with selectors.DefaultSelector() as selector:
        for sock in peers:
            sock.setblocking(True)
            selector.register(sock, selectors.EVENT_READ)
        try:
            while True:
                for key, _ in selector.select(timeout=0.5):
                    source = key.fileobj
                    assert isinstance(source, socket.socket)
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)
                if one.fileno() < 0 or other.fileno() < 0:
                    return
        except (OSError, ValueError):
            return
        finally:
            for sock in peers:
                _close(sock)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
