"""Reading a websocket's frames in the transport's own callback, for ``load_raw.py``.

aiohttp's websocket client hands messages out through ``receive()``: a task wake-up per
message, which for thousands of racers cost more than everything else the generator
does. aiohttp still does the rest (connection, upgrade handshake and its checks,
permessage-deflate negotiation, frame writing with masking); once the socket is open,
``take_over`` puts a ``FrameReader`` on its transport, which parses the server's frames
(RFC 6455 section 5: unmasked, possibly fragmented, deflated if the server took the
offer) and calls ``on_text`` with each text message.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any

import aiohttp

#: The 4 bytes permessage-deflate strips from each message's end (RFC 7692 section 7.2.1).
DEFLATE_TAIL = b"\x00\x00\xff\xff"
TEXT, CONTINUATION, CLOSE, PING = 0x1, 0x0, 0x8, 0x9
#: Sends started from a callback (pongs), held until done.
_sending: set[asyncio.Task[None]] = set()


def send_soon(send: Coroutine[Any, Any, None]) -> None:
    """Run a send from a callback, which cannot await it."""
    task = asyncio.ensure_future(send)
    _sending.add(task)
    task.add_done_callback(_sending.discard)


class Upgraded(aiohttp.ClientWebSocketResponse):
    """aiohttp's client websocket that keeps its upgrade response, to reach the transport
    (``ClientSession(ws_response_class=Upgraded)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The HTTP 101 response (aiohttp passes it fourth).
        self.upgrade: aiohttp.ClientResponse = args[3]


class FrameReader(asyncio.Protocol):
    """Parses the server's websocket frames; calls ``on_text`` once per text message."""

    def __init__(
        self,
        transport: asyncio.Transport,
        ws: Upgraded,
        on_text: Callable[[str], None],
        on_lost: Callable[[], None],
    ) -> None:
        self.transport = transport
        self.ws = ws
        self.on_text = on_text
        self.on_lost = on_lost
        self.inflater = zlib.decompressobj(-zlib.MAX_WBITS) if ws.compress else None
        self.buffer = b""
        #: The frames of a fragmented message so far, and whether its first was deflated.
        self.parts: list[bytes] = []
        self.deflated = False

    def data_received(self, data: bytes) -> None:
        """Take every whole frame in the data so far; keep the rest for the next read."""
        buf = self.buffer + data if self.buffer else data
        pos, end = 0, len(buf)
        while end - pos >= 2:
            size, head = buf[pos + 1] & 0x7F, 2
            if size == 126:
                size, head = int.from_bytes(buf[pos + 2 : pos + 4]), 4
            elif size == 127:
                size, head = int.from_bytes(buf[pos + 2 : pos + 10]), 10
            if end - pos < head + size:
                break
            self.frame(buf[pos], buf[pos + head : pos + head + size])
            pos += head + size
        self.buffer = buf[pos:]

    def frame(self, first: int, payload: bytes) -> None:
        """Handle one frame: ``first`` is its first byte (FIN, RSV1, opcode)."""
        opcode = first & 0x0F
        if opcode in (TEXT, CONTINUATION):
            if opcode == TEXT:
                self.deflated = bool(first & 0x40)
            if not first & 0x80:  # more fragments follow
                self.parts.append(payload)
                return
            if self.parts:
                payload = b"".join([*self.parts, payload])
                self.parts.clear()
            if self.deflated and self.inflater is not None:
                payload = self.inflater.decompress(payload + DEFLATE_TAIL)
            self.on_text(payload.decode())
        elif opcode == PING:
            send_soon(self.ws.pong(payload))
        elif opcode == CLOSE:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Tell the racer."""
        self.on_lost()


def take_over(
    ws: Upgraded, on_text: Callable[[str], None], on_lost: Callable[[], None]
) -> asyncio.Transport:
    """Read ``ws``'s frames with a ``FrameReader`` from now on; return the transport."""
    connection = ws.upgrade.connection
    assert connection is not None and connection.transport is not None
    transport: Any = connection.transport
    transport.set_protocol(FrameReader(transport, ws, on_text, on_lost))
    return transport  # type: ignore[no-any-return]
