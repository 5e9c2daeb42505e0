"""WebSocket transport settings the Socket.IO stack does not expose.

**No compression.** Browsers offer permessage-deflate on every WebSocket, and eventlet's
server accepts it: every frame is then deflated one way and inflated the other, with a
zlib stream kept per connection. CodeRace's frames are small JSON (a tick for a room of 5
is ~500 bytes) sent five times a second, where compression saves little bandwidth for
its cost, measured with ``bench/load.py`` (one worker, 400 racers): 85 % of a core and
256 MiB resident with it, 69 % and 166 MiB without. ``NoCompression`` drops the offer
from the handshake, so no server implementation (eventlet, gevent, the threading one)
negotiates it.

**Unmasking.** Every frame a client sends is XOR-masked with a 4-byte key (RFC 6455,
section 5.3). eventlet's ``RFC6455WebSocket._apply_mask`` undoes it one byte at a time in
a generator: 3-4 % of a loaded worker's samples (py-spy, same load). XOR-ing the payload
as one integer is the same function at C speed; ``install_unmask`` swaps it in and
``race.serve`` calls it right after eventlet's monkey patching.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class NoCompression:
    """WSGI middleware: hide WebSocket extension offers (permessage-deflate) from the app."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)


def unmask(data: bytes, mask: Sequence[int], length: int | None = None, offset: int = 0) -> bytes:
    """XOR the first ``length`` bytes of ``data`` with the 4-byte ``mask``, the mask starting
    at byte ``offset`` of the frame's payload (a frame may arrive in several reads)."""
    if length is None:
        length = len(data)
    data = bytes(data[:length])
    if not data:
        return b""
    key = bytes(mask[(offset + i) % 4] for i in range(4))
    stream = (key * (length // 4 + 1))[:length]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(length, "big")


def install_unmask() -> None:
    """Make eventlet's WebSocket (server and client side) unmask with ``unmask``."""
    from eventlet.websocket import RFC6455WebSocket

    RFC6455WebSocket._apply_mask = staticmethod(unmask)
