"""The key a client's address is rate-limited by: an IPv4 address as it is, an IPv6
address by its /64 (one subscriber's whole prefix: anyone holding a /64 can pick a fresh
address for every request)."""

from __future__ import annotations

import ipaddress

#: The IPv6 prefix one subscriber gets at the least (RFC 6177), the unit of a per-IP limit.
IPV6_PREFIX = 64


def client_key(address: str | None) -> str:
    """Return the rate-limit key of a client address (IPv4-mapped IPv6 as the IPv4)."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop a zone index
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)
