"""Where the Redis store keeps each thing: every key name, in one place."""

from __future__ import annotations

from race.store.base import Live


class Keys:
    """The key names of one deployment, all under ``prefix``."""

    def __init__(self, prefix: str = "cr:") -> None:
        self.prefix = p = prefix
        #: Room code -> phase, for ``Store.room_count``.
        self.phases = f"{p}phases"
        #: Room codes scored by when their keys expire, for the sweep of the indexes.
        self.expiry = f"{p}expiry"
        #: Rooms in their race, "code|round" scored by the start time.
        self.live = f"{p}live"
        #: Deadline items scored by when they are due, and their failed tries.
        self.deadlines = f"{p}deadlines"
        self.deadline_tries = f"{p}deadline:tries"
        #: Outbox records (id -> payload), their order (scored by when due), their failed
        #: attempts, and the dead letters (a list of JSON objects).
        self.outbox = f"{p}outbox"
        self.outbox_order = f"{p}outbox:order"
        self.outbox_tries = f"{p}outbox:tries"
        self.outbox_dead = f"{p}outbox:dead"

    def room(self, code: str) -> str:
        """Return the key of a room (its JSON)."""
        return f"{self.prefix}room:{code}"

    def log(self, code: str, round_: int, player_id: str) -> str:
        """Return the key of a player's keystroke log for a round (a list)."""
        return f"{self.prefix}log:{code}:{round_}:{player_id}"

    def seal(self, code: str, round_: int) -> str:
        """Return the key that marks a round sealed."""
        return f"{self.prefix}seal:{code}:{round_}"

    def progress(self, code: str, round_: int) -> str:
        """Return the key of a round's progress (player id -> JSON)."""
        return f"{self.prefix}prog:{code}:{round_}"

    def conn(self, code: str, player_id: str) -> str:
        """Return the key of the connection holding a seat."""
        return f"{self.prefix}conn:{code}:{player_id}"

    def lobby(self, key: str) -> str:
        """Return the key of the open quick-race lobby for a language (or "any")."""
        return f"{self.prefix}lobby:{key}"

    def lease(self, name: str) -> str:
        """Return the key of a lease (its holder)."""
        return f"{self.prefix}lease:{name}"

    def bucket(self, key: str) -> str:
        """Return the key of a token bucket."""
        return f"{self.prefix}bucket:{key}"


def live_member(code: str, round_: int) -> str:
    """Return a room's entry in the live index."""
    return f"{code}|{round_}"


def read_live(member: str, score: str | float) -> Live:
    """Read one entry of the live index ("code|round", scored by the start time)."""
    code, _, rnd = member.rpartition("|")
    return Live(code, int(rnd), int(float(score)))
