"""Fault tests reuse the live-race fixtures (in-process server, tiny corpus, short phases)."""

from tests.realtime.conftest import connect
from tests.realtime.conftest import corpus
from tests.realtime.conftest import server
from tests.realtime.conftest import server_factory

__all__ = ["connect", "corpus", "server", "server_factory"]
