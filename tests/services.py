"""Access to the real services the integration tests use (Redis, Postgres).

Outside CI a missing service skips the test with the reason; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)


def unavailable(service: str, error: Exception) -> None:
    """Skip (locally) or fail (in CI) a test whose service is missing."""
    message = f"{service} is not reachable ({error}); start it to run this test"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {message}")
    pytest.skip(message)
