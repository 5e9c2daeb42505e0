"""Security headers on every response: a Content-Security-Policy that runs no inline
script and lets no other site frame a page, set in one place."""

from __future__ import annotations

import base64
import functools
import hashlib

from flask import Flask
from flask import Response

from race.web.vendor import import_map

#: What pages may load: everything from this origin, nothing inline but the import map
#: (allowed by its hash), no plugins, no framing, forms posting only here.
POLICY = (
    "default-src 'self'; script-src 'self' {import_map}; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@functools.lru_cache(maxsize=8)
def _policy(inline: str) -> str:
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    return POLICY.format(import_map=f"'sha256-{digest}'")


def secure(response: Response) -> Response:
    """Set the security headers (a view may not set its own policy)."""
    response.headers["Content-Security-Policy"] = _policy(str(import_map()))
    response.headers["X-Frame-Options"] = "DENY"  # browsers older than frame-ancestors
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def init_app(app: Flask) -> None:
    """Set the security headers on every response of the app."""
    app.after_request(secure)
