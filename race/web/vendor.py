"""Browser libraries served from node_modules through a fixed allowlist (never copied in)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import send_file
from flask import url_for
from flask.typing import ResponseReturnValue
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

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

#: Public name -> file under node_modules. Only these files are ever served.
ASSETS: dict[str, str] = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "socket.io.esm.min.js.map": "socket.io-client/dist/socket.io.esm.min.js.map",
    "uplot.js": "uplot/dist/uPlot.esm.js",
    "uplot.css": "uplot/dist/uPlot.min.css",
    "hljs/core.js": "@highlightjs/cdn-assets/es/core.min.js",
    **{
        f"hljs/{grammar}.js": f"@highlightjs/cdn-assets/es/languages/{grammar}.min.js"
        for grammar in sorted(set(HIGHLIGHT_LANGUAGES.values()))
    },
}

#: Bare module names the pages import, resolved by the import map in base.html.
IMPORTS = {
    "socket.io-client": "socket.io.esm.min.js",
    "highlight.js": "hljs/core.js",
    "uplot": "uplot.js",
}


def node_modules() -> Path:
    """Return the node_modules folder `make setup` fills (beside the templates)."""
    return Path(current_app.root_path).parent / "node_modules"


@bp.get("/vendor/<path:name>")
def asset(name: str) -> ResponseReturnValue:
    """Serve one allowlisted library file; anything else is 404."""
    relative = ASSETS.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    if not path.is_file():
        current_app.logger.warning("vendor file %s is missing: run `make setup`", relative)
        abort(404)
    return send_file(path, conditional=True, max_age=3600)


def import_map() -> Markup:
    """Return the page's import map, exactly as it goes between its ``<script>`` tags (the
    Content-Security-Policy allows that one inline script by its hash: race.web.headers)."""
    imports = {module: url_for("vendor.asset", name=name) for module, name in IMPORTS.items()}
    return htmlsafe_json_dumps({"imports": imports})


@bp.app_context_processor
def vendor_urls() -> dict[str, Any]:
    """Give templates the import map and the highlighter's grammar files."""

    def grammars() -> dict[str, str]:
        return {
            language: url_for("vendor.asset", name=f"hljs/{grammar}.js")
            for language, grammar in HIGHLIGHT_LANGUAGES.items()
        }

    return {"import_map": import_map, "grammars": grammars}
