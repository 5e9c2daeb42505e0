"""The app factory: settings, then extensions and blueprints."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from race.config import Config
from race.realtime.websocket import NoCompression


def create_app(config: Config | Mapping[str, object] | None = None) -> Flask:
    """Create the Flask app: settings, then extensions and blueprints; nothing runs at import."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        "race",
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    settings = config.as_mapping() if isinstance(config, Config) else dict(config or {})
    if "INSTANCE_PATH" not in settings:
        settings = {**Config().as_mapping(), **settings}
    app.config.update(settings)
    instance = Path(app.config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)

    from race import realtime
    from race.db.app import init_app as init_db
    from race.web import accounts
    from race.web import assets
    from race.web import board
    from race.web import compression
    from race.web import errors
    from race.web import headers
    from race.web import limits
    from race.web import ops
    from race.web import pages
    from race.web import presence
    from race.web import tracks
    from race.web import vendor
    from race.web import viewer

    app.register_blueprint(pages.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(board.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(viewer.bp)
    app.register_blueprint(tracks.bp)
    app.register_blueprint(errors.bp)
    headers.init_app(app)
    assets.init_app(app, {"vendor.asset": ("name", vendor.vendor_path)})
    compression.init_app(app)
    init_db(app)
    realtime.init_app(app)
    limits.init_app(app, realtime.services(app).store)
    presence.init_app(app, realtime.services(app).store.presence)
    # Outside the Socket.IO middleware: no WebSocket negotiates permessage-deflate.
    app.wsgi_app = NoCompression(app.wsgi_app)  # type: ignore[method-assign]
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:  # outside the Socket.IO middleware, so the handshake sees the client's address
        # Not X-Forwarded-Host: nginx passes the client's Host itself and never sets it, so
        # a client could pick the host of the links the pages write (share links).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies
        )
    return app


def _instance_secret(instance: Path) -> str:
    """Return the embedded default's signing key, created once and kept under ``instance/``.

    The key is written to a new file opened with mode 0600 (never readable by others, not
    even for a moment), then linked into place only if no other process got there first,
    so workers starting together all end up with the same key.
    """
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f".secret_key.{secrets.token_hex(8)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):  # another worker's key came first
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()
