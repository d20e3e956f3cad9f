"""The address policy of downloads, including IPv6 forms that carry an IPv4 address."""

from __future__ import annotations

import ipaddress

import pytest

from montage.article.address_policy import is_allowed_address, is_public_address


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.31.255.255", "192.168.0.10", "169.254.169.254",
        "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.251", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "192.0.2.10", "198.18.0.1",
        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "2001:db8::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::ffff:0:7f00:1",
        "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a9fe:a9fe::",
    ],
)  # fmt: skip
def test_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


def test_scoped_link_local_is_not_public() -> None:
    assert not is_public_address(ipaddress.ip_address("fe80::1%2"))


def test_allow_private_and_allowed_networks() -> None:
    internal = ipaddress.ip_address("10.1.2.3")
    assert not is_allowed_address(internal)
    assert is_allowed_address(internal, allow_private=True)
    assert is_allowed_address(internal, allowed_networks=["10.1.2.0/24"])
    assert not is_allowed_address(internal, allowed_networks=["10.1.3.0/24"])
    mapped = ipaddress.ip_address("::ffff:10.1.2.3")
    assert is_allowed_address(mapped, allowed_networks=["10.1.2.0/24"])
    assert not is_allowed_address(ipaddress.ip_address("169.254.169.254"), allowed_networks=["10.0.0.0/8"])
