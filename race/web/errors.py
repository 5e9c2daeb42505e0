"""Error pages: a missing page or a wrong method gets the site's own page (with the way
back), and the JSON API gets JSON, instead of the framework's bare text."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound

bp = Blueprint("errors", __name__)

TITLES = {404: "Not found", 405: "Not allowed"}


@bp.app_errorhandler(NotFound)
@bp.app_errorhandler(MethodNotAllowed)
def error_page(exc: HTTPException) -> ResponseReturnValue:
    """Answer with the status and what went wrong, in the form the caller reads."""
    code = exc.code or 500
    message = exc.description or TITLES.get(code, "Error")
    headers = [(k, v) for k, v in exc.get_headers() if k == "Allow"]  # 405 names them
    if request.path.startswith("/api/"):
        kind = "not_found" if code == 404 else "method_not_allowed"
        return jsonify({"error": {"code": kind, "message": message}}), code, headers
    title = TITLES.get(code, "Error")
    return render_template("error.html", title=title, message=message), code, headers
