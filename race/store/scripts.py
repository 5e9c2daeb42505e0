"""The Redis store's Lua scripts: read once from ``race/store/lua``, run by their hash.

Each script is registered with redis-py (``register_script``), which computes its hash;
``Scripts.run`` calls EVALSHA through the store's ``Coalescer`` (so calls made together
share a round trip) and loads the script again if Redis forgot it (after a restart).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from typing import Any

from redis.commands.core import Script
from redis.exceptions import NoScriptError

from race.store.coalesce import Coalescer

#: Every script of the store, by file name (``race/store/lua/<name>.lua``).
NAMES = (
    "append",
    "claim",
    "compare_del",
    "deadline_failed",
    "deadlines_done",
    "leases",
    "outbox_dead",
    "outbox_done",
    "outbox_failed",
    "outbox_retry",
    "swap",
    "take",
)


@functools.cache
def source(name: str) -> str:
    """Return the text of a script (read from the package once per process)."""
    return resources.files("race.store").joinpath("lua", f"{name}.lua").read_text("utf-8")


class Scripts:
    """The store's scripts, registered on one client."""

    def __init__(self, client: Any, batches: Coalescer) -> None:
        self._client = client
        self._batches = batches
        self._scripts: dict[str, Script] = {
            name: client.register_script(source(name)) for name in NAMES
        }

    def sha(self, name: str) -> str:
        """Return a script's hash (for callers that queue EVALSHA themselves)."""
        sha: str = self._scripts[name].sha
        return sha

    def call(
        self, name: str, keys: Sequence[str], args: Sequence[str | int | float]
    ) -> tuple[Any, ...]:
        """Return the EVALSHA command of a script (``execute_command`` arguments)."""
        return ("EVALSHA", self.sha(name), len(keys), *keys, *args)

    def run(self, name: str, keys: Sequence[str], args: Sequence[str | int | float]) -> Any:
        """Run a script by its hash, loading it first if Redis no longer has it.

        Calls EVALSHA directly: redis-py's ``Script.__call__`` goes through argument
        deprecation wrappers that are a measurable share of a loaded worker's keys path
        (docs/architecture.md).
        """
        try:
            return self._batches.run(*self.call(name, keys, args))
        except NoScriptError:
            return self.reload(name, keys, args)

    def run_each(
        self, name: str, calls: Sequence[tuple[Sequence[str], Sequence[str | int | float]]]
    ) -> list[Any]:
        """Run a script once per (keys, args), all in one round trip (one per shard, say);
        return each reply, or raise the first error."""
        replies = self._batches.run_many([self.call(name, keys, args) for keys, args in calls])
        for i, reply in enumerate(replies):
            if isinstance(reply, NoScriptError):
                replies[i] = self.reload(name, *calls[i])
            elif isinstance(reply, BaseException):
                raise reply
        return replies

    def reload(self, name: str, keys: Sequence[str], args: Sequence[str | int | float]) -> Any:
        """Load a script Redis forgot, then run it."""
        script = self._scripts[name]
        script.sha = self._client.script_load(script.script)
        return self._client.execute_command(*self.call(name, keys, args))
