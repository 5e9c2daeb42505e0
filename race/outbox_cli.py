"""The ``race outbox`` commands: list the dead letters of the results outbox, retry them.

Dead letters are finished races the heartbeat set aside after they failed to persist
(``race.realtime.drain``). They live in the shared store, so these commands need
``REDIS_URL`` (or ``REDIS_CLUSTER_NODES``): the embedded store lives inside the server
process.
"""

from __future__ import annotations

import sys

import click

from race.store.base import DEAD_LETTER_MAX
from race.store.base import Store


def _store() -> Store:
    """Return the deployment's shared store, or exit 2 if it has none."""
    from race.config import Config
    from race.store.client import open_store

    c = Config()
    store = open_store(c.REDIS_URL, c.REDIS_CLUSTER_NODES, c.REDIS_PREFIX, c.REDIS_CLUSTER_SHARDS)
    if store is None:
        click.echo(
            "race outbox: neither REDIS_URL nor REDIS_CLUSTER_NODES is set"
            " (the embedded store has no CLI)",
            err=True,
        )
        sys.exit(2)
    return store


@click.group("outbox")
def outbox() -> None:
    """The results outbox: finished races waiting to be persisted, and dead letters."""


@outbox.command("list")
@click.option("--limit", default=50, show_default=True, type=int, help="Dead letters shown.")
def list_dead(limit: int) -> None:
    """Print the outbox's size and its dead letters (id and reason), oldest first."""
    store = _store()
    click.echo(f"waiting: {store.outbox_size()}; dead letters: {store.dead_letter_count()}")
    for letter in store.dead_letters(limit):
        click.echo(f"{letter.record_id}\t{letter.reason}")


@outbox.command("retry")
@click.option("--limit", default=DEAD_LETTER_MAX, show_default=True, type=int)
def retry(limit: int) -> None:
    """Move dead letters back into the outbox, to be tried again from the first attempt."""
    moved = _store().retry_dead_letters(limit)
    click.echo(f"{moved} dead letters moved back to the outbox")
