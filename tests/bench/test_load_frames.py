"""The raw load generator's frame reader (bench/load_frames.py), on hand-made frames."""

from __future__ import annotations

import zlib
from typing import Any

from bench.load_frames import FrameReader


def frame(payload: bytes, *, opcode: int = 0x1, fin: bool = True, rsv1: bool = False) -> bytes:
    """Return one unmasked server frame (RFC 6455 section 5.2)."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    size = len(payload)
    if size < 126:
        return bytes([first, size]) + payload
    if size < 1 << 16:
        return bytes([first, 126]) + size.to_bytes(2) + payload
    return bytes([first, 127]) + size.to_bytes(8) + payload


class Fake:
    """Stands in for the websocket (``compress``) and the transport (``close``)."""

    def __init__(self, compress: int = 0) -> None:
        self.compress = compress
        self.closed = False

    def close(self) -> None:
        self.closed = True


def reader(compress: int = 0) -> tuple[FrameReader, list[str], Fake]:
    """Return a frame reader, the messages it hands out, and its fake transport."""
    texts: list[str] = []
    fake = Fake(compress)
    transport: Any = fake
    ws: Any = fake
    return FrameReader(transport, ws, texts.append, lambda: None), texts, fake


def test_frames_split_and_joined_across_reads_come_out_whole_and_in_order() -> None:
    frames_reader, texts, _ = reader()
    tick = '42["tick",{"t":1,"players":[' + "0," * 300 + "0]}]"
    data = frame(b"2") + frame(tick.encode()) + frame(b"x" * 70_000) + frame("40é".encode())
    for cut in range(0, len(data), 97):
        frames_reader.data_received(data[cut : cut + 97])
    assert texts == ["2", tick, "x" * 70_000, "40é"]


def test_a_fragmented_message_is_one_text() -> None:
    frames_reader, texts, _ = reader()
    frames_reader.data_received(frame(b'42["ro', fin=False) + frame(b'om",{}]', opcode=0x0))
    assert texts == ['42["room",{}]']


def test_deflated_messages_are_inflated_when_the_server_took_the_offer() -> None:
    frames_reader, texts, _ = reader(compress=15)
    deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    for text in ('42["tick",{"t":1}]', '42["tick",{"t":2}]'):
        body = deflate.compress(text.encode()) + deflate.flush(zlib.Z_SYNC_FLUSH)
        frames_reader.data_received(frame(body[:-4], rsv1=True))
    frames_reader.data_received(frame(b"3"))  # a message may go uncompressed
    assert texts == ['42["tick",{"t":1}]', '42["tick",{"t":2}]', "3"]


def test_a_close_frame_closes_the_transport() -> None:
    frames_reader, texts, fake = reader()
    frames_reader.data_received(frame(b"\x03\xe8", opcode=0x8))
    assert fake.closed and texts == []
