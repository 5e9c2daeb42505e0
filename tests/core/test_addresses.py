"""The rate-limit key of a client address: IPv4 as is, IPv6 by its /64."""

from __future__ import annotations

import pytest

from race.core.addresses import client_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:0:0:0:7", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("::1", "::/64"),
        (None, "unknown"),
        ("", "unknown"),
        ("not an address", "not an address"),
        ("x" * 500, "x" * 64),
    ],
)
def test_client_key(address: str | None, key: str) -> None:
    assert client_key(address) == key


def test_neighbouring_prefixes_do_not_share_a_key() -> None:
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
