"""Shared race state behind one interface: in-process by default, Redis (one server or a
cluster) when scaled."""

from __future__ import annotations

from race.store.base import Effects
from race.store.base import NoSuchRoom
from race.store.base import Store

__all__ = ["Effects", "NoSuchRoom", "Store"]
