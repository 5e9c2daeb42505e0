"""CodeRace: real-time multiplayer typing races for code, scored by the server.

Importing ``race`` loads nothing else, so the server entry point (``race.serve``) can
monkey-patch for its async worker before Flask or any I/O library is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from race.config import Config


def create_app(config: Config | Mapping[str, object] | None = None) -> Flask:
    """Create the Flask app (built in ``race.app``)."""
    from race.app import create_app as build

    return build(config)
