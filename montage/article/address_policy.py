"""Which IP addresses an article download may connect to: public unicast addresses only, by default.

Refused: loopback, private (RFC 1918, ULA fc00::/7), link-local (169.254/16 with the cloud metadata
address, fe80::/10), unspecified, multicast, reserved, documentation/benchmark ranges, CGNAT 100.64/10,
and IPv6 forms that embed an IPv4 address (IPv4-mapped/-compatible/-translated, NAT64 64:ff9b::/96,
6to4 2002::/16, Teredo) whenever the embedded address is refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 address by the common transition mechanisms."""
    embedded: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.extend(address.teredo)
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _IPV4_COMPATIBLE or address in _IPV4_TRANSLATED:
        embedded.append(low32)
    if any(address in prefix for prefix in _NAT64_PREFIXES):
        embedded.append(low32)
    return embedded


def _is_public_ipv4(address: ipaddress.IPv4Address) -> bool:
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or address in _CGNAT
        or not address.is_global
    )


def is_public_address(address: IPAddress) -> bool:
    """True when ``address`` is a public unicast address that a download may connect to."""
    if isinstance(address, ipaddress.IPv4Address):
        return _is_public_ipv4(address)
    if address.scope_id:
        return False
    embedded = _embedded_ipv4(address)
    if embedded:
        return all(_is_public_ipv4(inner) for inner in embedded) and not any(
            address in net for net in (_IPV4_COMPATIBLE, _IPV4_TRANSLATED)
        )
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_site_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


def is_allowed_address(
    address: IPAddress, *, allow_private: bool = False, allowed_networks: Iterable[str] = ()
) -> bool:
    """True when a download may connect to ``address`` under the given policy."""
    if allow_private:
        return True
    if is_public_address(address):
        return True
    unwrapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    candidates = [address] if unwrapped is None else [address, unwrapped]
    for network in allowed_networks:
        net = ipaddress.ip_network(network, strict=False)
        if any(candidate.version == net.version and candidate in net for candidate in candidates):
            return True
    return False
