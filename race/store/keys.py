"""Where the Redis store keeps each thing: every key name, and the shard it lives in.

Rooms are spread over ``shards`` groups by a hash of their code. Every key of a room
(the room, its logs, progress, seal marks, connections, tick and tell leases) and every
index entry the room writes (its phase, expiry, live entry, deadlines, outbox records)
carries its shard's hash tag, ``cr:{<shard>}:...``: on a Redis Cluster they hash to one
slot, so each room move (WATCH/MULTI) and each Lua script touches one slot, and a move
writes its deadlines and outbox records in the same transaction as the room. The tag
names the shard, not the room, for that reason: an index shared by several rooms must
sit in the slot of every room that writes it.

Readers of an index (the heartbeat's live rooms and deadlines, the outbox drain, the
counts) read it once per shard: ``shards`` bounds the keys read per beat, and one Redis
(``shards=1``) reads one key per index, as before sharding. The few keys of no room (the
quick-race lobby of each language, token buckets, the dead-letter counter) are single
keys without a tag: each command touches one key, wherever it lives.
"""

from __future__ import annotations

import binascii

from race.store.base import Live

#: Shards on a Redis Cluster unless ``REDIS_CLUSTER_SHARDS`` says otherwise: enough to
#: spread rooms over a few dozen primaries, few enough that a beat reads 32 keys.
CLUSTER_SHARDS = 16


def shard_of(name: str, shards: int) -> int:
    """Return the shard of a room code (CRC16, Redis Cluster's own hash, mod ``shards``)."""
    return binascii.crc_hqx(name.encode(), 0) % shards if shards > 1 else 0


class Keys:
    """The key names of one deployment, all under ``prefix``, over ``shards`` shards."""

    def __init__(self, prefix: str = "cr:", shards: int = 1) -> None:
        if shards < 1:
            raise ValueError("a store needs at least one shard")
        if "{" in prefix or "}" in prefix:  # Redis would hash the prefix's braces instead
            raise ValueError("a key prefix must not contain braces")
        self.prefix = prefix
        self.shards = shards
        self._tags = tuple(f"{prefix}{{{s}}}:" for s in range(shards))
        #: Dead letters get a number from here, so all shards' letters read oldest first.
        self.dead_seq = f"{prefix}outbox:dead:seq"

    # --- which shard ---------------------------------------------------------------------

    def shard(self, code: str) -> int:
        """Return the shard of a room."""
        return shard_of(code, self.shards)

    def item_shard(self, item: str) -> int:
        """Return the shard of a deadline or lease, ``kind|room|...``: its room's."""
        parts = item.split("|", 2)
        return self.shard(parts[1] if len(parts) > 1 else item)

    def _tag(self, code: str) -> str:
        return self._tags[self.shard(code)]

    # --- a room's keys -------------------------------------------------------------------

    def room(self, code: str) -> str:
        """Return the key of a room (its JSON)."""
        return f"{self._tag(code)}room:{code}"

    def log(self, code: str, round_: int, player_id: str) -> str:
        """Return the key of a player's keystroke log for a round (a list)."""
        return f"{self._tag(code)}log:{code}:{round_}:{player_id}"

    def seal(self, code: str, round_: int) -> str:
        """Return the key that marks a round sealed."""
        return f"{self._tag(code)}seal:{code}:{round_}"

    def progress(self, code: str, round_: int) -> str:
        """Return the key of a round's progress (player id -> JSON)."""
        return f"{self._tag(code)}prog:{code}:{round_}"

    def conn(self, code: str, player_id: str) -> str:
        """Return the key of the connection holding a seat."""
        return f"{self._tag(code)}conn:{code}:{player_id}"

    def lease(self, name: str) -> str:
        """Return the key of a lease (its holder), in the shard of the room it names."""
        return f"{self._tags[self.item_shard(name)]}lease:{name}"

    # --- each shard's indexes ------------------------------------------------------------

    def phases(self, shard: int) -> str:
        """Room code -> phase, for ``Store.room_count``."""
        return f"{self._tags[shard]}phases"

    def presence(self, shard: int) -> str:
        """Room code -> its presence entry (``race.core.presence``), for ``Store.presence``."""
        return f"{self._tags[shard]}presence"

    def expiry(self, shard: int) -> str:
        """Room codes scored by when their keys expire, for the sweep of the indexes."""
        return f"{self._tags[shard]}expiry"

    def live(self, shard: int) -> str:
        """Rooms in their race, "code|round" scored by the start time."""
        return f"{self._tags[shard]}live"

    def deadlines(self, shard: int) -> str:
        """Deadline items scored by when they are due."""
        return f"{self._tags[shard]}deadlines"

    def deadline_tries(self, shard: int) -> str:
        """Failed tries at applying each deadline."""
        return f"{self._tags[shard]}deadline:tries"

    def outbox(self, shard: int) -> tuple[str, str, str, str]:
        """Return the keys of the outbox records (id -> payload), their order (scored by
        when due), their failed attempts, and the dead letters (a list of JSON objects)."""
        t = self._tags[shard]
        return f"{t}outbox", f"{t}outbox:order", f"{t}outbox:tries", f"{t}outbox:dead"

    # --- keys of no room -----------------------------------------------------------------

    def lobby(self, key: str) -> str:
        """Return the key of the open quick-race lobby for a language (or "any")."""
        return f"{self.prefix}lobby:{key}"

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
