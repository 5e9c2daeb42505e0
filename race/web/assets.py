"""Content-hashed asset URLs: every file under static/ and every vendor file gets ``?v=<hash>``
in its URL, cached for a year; every ES module under static/js is listed in the import map,
so a relative ``import "./x.js"`` also fetches the hashed URL (nobody registers a module).

A hash is the file's content digest, recomputed when its size or mtime changes, so an edit
gives a new URL without a restart. A request whose ``v`` is not the current hash (an old
page during a deploy) is served the current file with ``no-cache``, never cached for long.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import request
from flask import url_for

#: How long a browser keeps an asset whose URL carries its current hash (a year).
HASHED_MAX_AGE = 365 * 24 * 3600
#: Characters of the sha256 hex digest kept in a URL.
HASH_CHARS = 12
#: Files the cache of digests keeps (static/ plus node_modules' allowlist are far fewer).
MAX_DIGESTS = 1024
#: The ES modules listed in the import map: at most this many (static/js holds ~30).
MAX_MODULES = 256

_digests: dict[str, tuple[int, int, str]] = {}

#: Where an app keeps its asset endpoints (``init_app``).
EXTENSION = "coderace.assets"
#: How an asset endpoint finds the file one of its URLs names (None: no such file).
Finder = Callable[[str], Path | None]


def digest(path: Path) -> str:
    """Return the short content hash of a file ("" if it is missing)."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    key = str(path)
    found = _digests.get(key)
    if found is not None and found[:2] == (stat.st_mtime_ns, stat.st_size):
        return found[2]
    value = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_CHARS]
    if len(_digests) >= MAX_DIGESTS:
        _digests.clear()
    _digests[key] = (stat.st_mtime_ns, stat.st_size, value)
    return value


def static_path(filename: str) -> Path | None:
    """Return the file a static URL names, or None if it leaves the static folder."""
    root = Path(current_app.static_folder or "")
    path = (root / filename).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def _asset_file(endpoint: str | None, values: Mapping[str, Any]) -> Path | None:
    """Return the file an asset endpoint's URL values name (None: not an asset, or none)."""
    found = current_app.extensions[EXTENSION].get(endpoint or "")
    if found is None:
        return None
    arg, find = found
    return find(str(values[arg])) if arg in values else None


def _hash_url(endpoint: str, values: dict[str, Any]) -> None:
    """Add the content hash to every URL of an asset (``url_for('static', ...)`` and the
    endpoints ``init_app`` was given)."""
    if "v" in values:
        return
    path = _asset_file(endpoint, values)
    found = digest(path) if path is not None else ""
    if found:
        values["v"] = found


def static_modules() -> dict[str, str]:
    """Return ``/static/js/x.js`` -> its hashed URL for every ES module under static/js."""
    cached: dict[str, str] | None = g.get("static_modules")
    if cached is not None:
        return cached
    root = Path(current_app.static_folder or "") / "js"
    modules: dict[str, str] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".js") or len(modules) >= MAX_MODULES:
                continue
            relative = (Path(dirpath) / name).relative_to(root.parent).as_posix()
            hashed = url_for("static", filename=relative)
            modules[hashed.split("?", 1)[0]] = hashed
    g.static_modules = modules
    return modules


def _cache_headers(response: Response) -> Response:
    """Cache a hashed asset for a year; make any other asset revalidate (its ETag)."""
    assets = current_app.extensions[EXTENSION]
    if request.endpoint not in assets or response.status_code not in (200, 304):
        return response
    asked = request.args.get("v")
    if asked and asked == _current_hash():
        response.cache_control.public = True
        response.cache_control.max_age = HASHED_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.max_age = None
        response.cache_control.public = False
        response.cache_control.no_cache = True
    return response


def _current_hash() -> str:
    """Return the current hash of the asset this request asks for ("" if unknown)."""
    path = _asset_file(request.endpoint, request.view_args or {})
    return digest(path) if path is not None else ""


def init_app(app: Flask, files: Mapping[str, tuple[str, Finder]]) -> None:
    """Hash the URLs of static files and of ``files`` (endpoint -> the URL argument naming
    the file, and how to find it), and set the cache headers of every such asset."""
    app.extensions[EXTENSION] = {"static": ("filename", static_path), **files}
    app.url_defaults(_hash_url)
    app.after_request(_cache_headers)
