"""Unmasking client frames: ``race.realtime.websocket.unmask`` against the RFC 6455 rule."""

from __future__ import annotations

import random

import pytest

from race.realtime.websocket import unmask


def reference(data: bytes, mask: tuple[int, ...], offset: int) -> bytes:
    """RFC 6455 5.3: octet i of the payload is XOR-ed with octet (i mod 4) of the key."""
    return bytes(b ^ mask[(offset + i) % 4] for i, b in enumerate(data))


@pytest.mark.parametrize("seed", range(20))
def test_unmask_matches_the_rfc_rule(seed: int) -> None:
    rng = random.Random(seed)
    for length in (0, 1, 3, 4, 5, 125, 126, 1000, rng.randrange(2000, 70000)):
        data = rng.randbytes(length)
        mask = tuple(rng.randrange(256) for _ in range(4))
        offset = rng.randrange(16)
        assert unmask(data, mask, offset=offset) == reference(data, mask, offset)


def test_a_frame_read_in_pieces_unmasks_like_one_read() -> None:
    rng = random.Random(7)
    payload = rng.randbytes(5000)
    mask = (0x12, 0xAB, 0x00, 0xFF)
    cuts = sorted(rng.sample(range(1, len(payload)), 9))
    pieces = [payload[a:b] for a, b in zip([0, *cuts], [*cuts, len(payload)], strict=True)]
    out, received = b"", 0
    for piece in pieces:
        out += unmask(piece, mask, length=len(piece), offset=received)
        received += len(piece)
    assert out == reference(payload, mask, 0)
    assert unmask(out, mask) == payload  # masking twice is the identity


def test_length_limits_the_bytes_unmasked() -> None:
    assert unmask(b"\x01\x02\x03\x04\x05", (1, 1, 1, 1), length=2) == b"\x00\x03"
