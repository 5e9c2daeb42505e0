"""Player names: server-side validation and generated guest names."""

from __future__ import annotations

import re
import unicodedata

MIN_NAME = 2
MAX_NAME = 24
#: Letters and digits of any script, plus a few separators; no markup, no control characters.
_ALLOWED = re.compile(r"^[\w .\-']+$")
_ADJECTIVES = (
    "Agile", "Brave", "Calm", "Clever", "Daring", "Eager", "Swift", "Lucky", "Nimble", "Quiet",
    "Rapid", "Sharp", "Steady", "Witty", "Bold", "Keen", "Lively", "Mellow", "Plucky", "Zesty",
)  # fmt: skip
_ANIMALS = (
    "Otter", "Falcon", "Panda", "Lynx", "Heron", "Gecko", "Badger", "Koala", "Marten", "Puffin",
    "Raven", "Tapir", "Wombat", "Yak", "Ibis", "Jackal", "Lemur", "Narwhal", "Ocelot", "Quokka",
)  # fmt: skip


def clean_name(raw: object) -> str:
    """Return a valid display name or raise ``ValueError`` saying what is wrong."""
    if not isinstance(raw, str):
        raise ValueError("name must be text")
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not MIN_NAME <= len(name) <= MAX_NAME:
        raise ValueError(f"name must be {MIN_NAME}-{MAX_NAME} characters")
    if not _ALLOWED.match(name) or any(unicodedata.category(c).startswith("C") for c in name):
        raise ValueError("name may use letters, digits, spaces and . - _ ' only")
    return name


def guest_name(a: int, b: int, n: int) -> str:
    """Return a guest name built from three random numbers the caller drew."""
    return f"{_ADJECTIVES[a % len(_ADJECTIVES)]}{_ANIMALS[b % len(_ANIMALS)]}{n % 1000:03d}"
