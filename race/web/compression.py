"""Compressed responses (brotli, else gzip) from the embedded server, through Flask-Compress.

Flask-Compress is the maintained Flask extension for this (regular releases, brotli, gzip,
zstd and deflate, ETags suffixed per encoding, Vary: Accept-Encoding set): a hand-written
after_request would have to get each of those right again. Pages (HTML, JSON) are compressed
whole; files (static/, vendor/) are streamed, compressed as they are read. Behind nginx the
worker still compresses (nginx passes an encoded response on as it is), so both ways of
running send the same bytes. Socket.IO traffic is outside Flask and never compressed here.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

#: What is compressed: text formats only (images other than SVG are compressed already).
MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]
#: Brotli first (smaller than gzip for text), gzip for clients without it.
ALGORITHMS = ["br", "gzip"]
#: Streamed files: Flask-Compress streams neither gzip nor zstd into every client, so br or
#: deflate.
STREAMING_ALGORITHMS = ["br", "deflate"]
#: Below this many bytes a response is sent as it is (the headers would outweigh the gain).
MIN_SIZE = 500


def init_app(app: Flask) -> None:
    """Compress the app's text responses."""
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", STREAMING_ALGORITHMS)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["static", "vendor.asset"])
    Compress(app)
