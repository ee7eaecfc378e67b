"""Host-side listeners that record every TCP connection and UDP datagram they receive.

Each port is bound on 0.0.0.0, so one port covers 127.0.0.1, the docker0 bridge gateway and every
other address of the host. One background thread serves all ports of a `HostListener`, so a test
can give every payload its own port and know exactly which payload phoned home.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType


@dataclass(frozen=True)
class Hit:
    port: int
    protocol: str  # "tcp" or "udp"
    peer: str
    data: bytes


class HostListener:
    """`count` ports, each listening for TCP and UDP on all addresses, until closed.

    Use as a context manager; `port` is the first port, `ports` all of them, `hits` what came in.
    """

    def __init__(self, count: int = 1) -> None:
        self._selector = selectors.DefaultSelector()
        self._sockets: list[socket.socket] = []
        self.ports: list[int] = [self._bind_pair() for _ in range(count)]
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="host-listener", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def hits_on(self, port: int) -> list[Hit]:
        return [hit for hit in self.hits if hit.port == port]

    def wait_quiet(self, seconds: float = 0.2) -> list[Hit]:
        """Give in-flight packets a moment to land, then return every hit so far."""
        time.sleep(seconds)
        return self.hits

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()
        self._selector.close()

    def __enter__(self) -> HostListener:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _bind_pair(self) -> int:
        """A TCP and a UDP socket on the same free port (retrying if UDP's is taken)."""
        for _ in range(50):
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            tcp.bind(("0.0.0.0", 0))  # noqa: S104 - the point is to be reachable on every address.
            port = int(tcp.getsockname()[1])
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                udp.bind(("0.0.0.0", port))  # noqa: S104
            except OSError:
                tcp.close()
                udp.close()
                continue
            tcp.listen(64)
            for sock in (tcp, udp):
                sock.setblocking(False)
                self._selector.register(sock, selectors.EVENT_READ)
                self._sockets.append(sock)
            return port
        raise RuntimeError("no free port with both TCP and UDP available")

    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                port = int(sock.getsockname()[1])
                try:
                    if sock.type == socket.SOCK_STREAM:
                        conn, peer = sock.accept()
                        with conn:
                            conn.settimeout(0.2)
                            try:
                                data = conn.recv(1024)
                            except OSError:
                                data = b""
                        self._record(Hit(port, "tcp", str(peer[0]), data))
                    else:
                        data, peer = sock.recvfrom(4096)
                        self._record(Hit(port, "udp", str(peer[0]), data))
                except BlockingIOError:
                    continue

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)
