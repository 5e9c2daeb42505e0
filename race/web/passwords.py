"""Passwords: Argon2id hashes (argon2-cffi), computed in a real OS thread when the worker
is green, so hashing never stalls the races of the worker."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

T = TypeVar("T")

MIN_PASSWORD = 8
MAX_PASSWORD = 128
hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Return a hash to verify against when the username is unknown (same time taken)."""
    return hasher.hash("not the password of anyone")


def offload(fn: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy C code (hashing) in a real thread when the worker is green."""
    eventlet = sys.modules.get("eventlet.patcher")
    if eventlet is not None and eventlet.is_monkey_patched("thread"):
        from eventlet import tpool

        result: T = tpool.execute(fn, *args)
        return result
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        from gevent.hub import get_hub

        patched: T = get_hub().threadpool.apply(fn, args)
        return patched
    return fn(*args)


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return offload(hasher.hash, password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Tell whether a password matches a hash (taking as long when there is no hash)."""
    try:
        return bool(offload(hasher.verify, password_hash or _dummy_hash(), password)) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False
