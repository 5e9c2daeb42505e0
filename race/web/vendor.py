"""Browser libraries served from node_modules through a fixed allowlist (never copied in)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import request
from flask import send_file
from flask import url_for
from flask.typing import ResponseReturnValue
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from race.web.assets import digest
from race.web.assets import static_modules

bp = Blueprint("vendor", __name__)

#: Languages the highlighter loads, by CodeRace language (HTML snippets are Jinja/XML).
HIGHLIGHT_LANGUAGES = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "typescript",
    "go": "go",
    "rust": "rust",
    "sql": "sql",
    "html": "xml",
    "css": "css",
    "bash": "bash",
}

#: Public name -> file under node_modules. Only these files are ever served, and only the
#: minified builds (uPlot ships no minified ES module: see MODULE_EXPORTS).
ASSETS: dict[str, str] = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.esm.min.js.map": "socket.io-client/dist/socket.io.esm.min.js.map",
    "uplot.js": "uplot/dist/uPlot.iife.min.js",
    "uplot.css": "uplot/dist/uPlot.min.css",
    "hljs/core.js": "@highlightjs/cdn-assets/es/core.min.js",
    **{
        f"hljs/{grammar}.js": f"@highlightjs/cdn-assets/es/languages/{grammar}.min.js"
        for grammar in sorted(set(HIGHLIGHT_LANGUAGES.values()))
    },
}

#: Minified builds that define one global (``var uPlot=...``) instead of exporting it: served
#: with ``export default <name>;`` appended, so they load as an ES module (in module scope the
#: ``var`` stays local; nothing is added to the window).
MODULE_EXPORTS = {"uplot.js": "uPlot"}

#: Bare module names the pages import, resolved by the import map in base.html.
IMPORTS = {
    "socket.io-client": "socket.io.esm.min.js",
    "highlight.js": "hljs/core.js",
    "uplot": "uplot.js",
}


def node_modules() -> Path:
    """Return the node_modules folder `make setup` fills (beside the templates)."""
    return Path(current_app.root_path).parent / "node_modules"


def vendor_path(name: str) -> Path | None:
    """Return the node_modules file an allowlisted public name stands for."""
    relative = ASSETS.get(name)
    return None if relative is None else node_modules() / relative


@bp.get("/vendor/<path:name>")
def asset(name: str) -> ResponseReturnValue:
    """Serve one allowlisted library file; anything else is 404."""
    path = vendor_path(name)
    if path is None:
        abort(404)
    if not path.is_file():
        current_app.logger.warning("vendor file %s is missing: run `make setup`", ASSETS[name])
        abort(404)
    export = MODULE_EXPORTS.get(name)
    if export is None:
        return send_file(path, conditional=True)
    body = path.read_bytes() + f"\nexport default {export};\n".encode()
    response = Response(body, mimetype="text/javascript")
    response.set_etag(digest(path))
    return response.make_conditional(request)


def import_map() -> Markup:
    """Return the page's import map, exactly as it goes between its ``<script>`` tags (the
    Content-Security-Policy allows that one inline script by its hash: race.web.headers).

    Besides the bare library names it maps every module under static/js to its hashed URL,
    so relative imports between our own modules are cached for good too."""
    imports = {module: url_for("vendor.asset", name=name) for module, name in IMPORTS.items()}
    return htmlsafe_json_dumps({"imports": {**imports, **static_modules()}})


@bp.app_context_processor
def vendor_urls() -> dict[str, Any]:
    """Give templates the import map and the highlighter's grammar files."""

    def grammars() -> dict[str, str]:
        return {
            language: url_for("vendor.asset", name=f"hljs/{grammar}.js")
            for language, grammar in HIGHLIGHT_LANGUAGES.items()
        }

    return {"import_map": import_map, "grammars": grammars}
