"""Operations endpoints on every worker: health and Prometheus metrics.

Both read what the other layers register on the app (``coderace_health``: a probe per
dependency; ``coderace_metrics``: the Prometheus registry), so the web layer imports none
of them.
"""

from __future__ import annotations

import logging

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import generate_latest

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Say whether the store (and the database, when there is one) can be reached."""
    checks: dict[str, str] = {}
    for name, probe in current_app.extensions.get("coderace_health", {}).items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:
            log.warning("health check: %s unreachable: %s", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify({"ok": healthy, **checks}), 200 if healthy else 503


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Expose this worker's metrics in the Prometheus text format."""
    registry = current_app.extensions["coderace_metrics"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
