"""A TCP proxy in front of a real service (Postgres, Redis) that a test can cut, hang,
freeze and restore."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class Proxy:
    """Forwards 127.0.0.1:<port> to a target; ``mode`` is ``up``, ``down``, ``hang``,
    ``freeze`` or ``wedge``.

    ``down`` closes every connection (old and new) at once: the service is unreachable.
    ``hang`` accepts new connections and never answers: a black hole (the service
    stopped responding, its old connections cut). ``freeze`` keeps every connection open
    and holds what either side sends until the mode changes: a server paused mid-session.
    ``wedge`` holds the connections open now for good (whatever the mode later) and takes
    new ones as ``hang`` does: a server stuck for ever, until ``up`` sends new
    connections to a working one.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "up"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._wedged: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def set(self, mode: str) -> None:
        """Switch mode; going down or hanging cuts the connections already open."""
        if mode == "wedge":
            with self._lock:
                self._wedged |= self._open
        self.mode = mode
        if mode in ("down", "hang"):
            with self._lock:
                doomed, self._open = self._open, set()
            for sock in doomed:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        """Stop listening and cut everything."""
        self.set("down")
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
                continue
            with self._lock:
                self._open.add(client)
            if self.mode in ("hang", "freeze", "wedge"):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.add(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                while self.mode == "freeze" or source in self._wedged:
                    time.sleep(0.02)
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
