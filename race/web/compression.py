"""Compressed responses (brotli, else gzip) from the embedded server, through Flask-Compress.

Flask-Compress is the maintained Flask extension for this (regular releases, brotli, gzip,
zstd and deflate, ETags suffixed per encoding, Vary: Accept-Encoding set): a hand-written
after_request would have to get each of those right again. Pages (HTML, JSON) are compressed
whole, and so are files (static/, vendor/: read whole first, by ``_read_files``; streamed,
Flask-Compress's generator would keep the file open past the response's close). Behind nginx the
worker still compresses (nginx passes an encoded response on as it is), so both ways of
running send the same bytes. Socket.IO traffic is outside Flask and never compressed here.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
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
#: Streamed responses (none today): Flask-Compress streams no gzip, so br or deflate.
STREAMING_ALGORITHMS = ["br", "deflate"]
#: Files larger than this are left streamed and sent plain (the largest asset is ~50 KB).
MAX_BUFFERED_BYTES = 1 << 20
#: Below this many bytes a response is sent as it is (the headers would outweigh the gain).
MIN_SIZE = 500


def init_app(app: Flask) -> None:
    """Compress the app's text responses."""
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", STREAMING_ALGORITHMS)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["static", "vendor.asset"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    app.after_request(_read_files)  # registered last, so it runs before Compress


def _read_files(response: Response) -> Response:
    """Read a file response (send_file) into memory, so it is compressed whole and its file
    closed when the response is."""
    size = response.content_length
    if response.direct_passthrough and size is not None and size <= MAX_BUFFERED_BYTES:
        response.direct_passthrough = False
        response.make_sequence()
    return response
