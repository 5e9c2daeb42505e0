"""Shared fixtures: an app on a temporary instance folder, and its test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from race import create_app
from race.config import Config


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app on the embedded default, with its instance folder under tmp_path."""
    config = Config(
        {
            "CODERACE_INSTANCE": str(tmp_path / "instance"),
            "CODERACE_TESTING": "1",
            "CODERACE_WORKER": "threading",
        }
    )
    yield create_app(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client for the app."""
    return app.test_client()
