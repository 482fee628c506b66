"""The SSRF guard: private, loopback and link-local targets are refused unless allowed."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from assay.webhooks.netguard import NetGuard
from tests.tasks.checks import rejected

PRIVATE = [
    "http://127.0.0.1/cb",
    "http://127.0.0.2:8080/cb",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/",
    "http://0.0.0.0:9000/",
    "http://[::1]:8000/cb",
    "http://[fe80::1]/",
    "http://[fc00::5]/",
    "http://[::ffff:127.0.0.1]/",
    # IPv4 addresses carried inside IPv6 ones (6to4, NAT64) and legacy IPv4 spellings.
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::a00:5]/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://017700000001/",
]
PUBLIC = [
    "https://8.8.8.8/cb",
    "http://93.184.216.34:8080/x",
    "https://[2001:4860:4860::8888]/cb",
    "https://hooks.example.com/cb",  # names are resolved at request time only
]


@pytest.mark.parametrize("url", PRIVATE)
def test_private_ip_literals_are_refused(url: str) -> None:
    exc = rejected(lambda: NetGuard().check_literal(url))
    assert exc.message == f"{url!r} points at a private or local address; not allowed"


@pytest.mark.parametrize("url", PUBLIC)
def test_public_targets_are_allowed(url: str) -> None:
    assert NetGuard().check_literal(url) is None


@pytest.mark.parametrize(
    "url", ["http://localhost/cb", "http://LOCALHOST:8000/", "https://api.localhost/cb"]
)
def test_localhost_names_are_refused(url: str) -> None:
    exc = rejected(lambda: NetGuard().check_literal(url))
    assert exc.message == f"{url!r} points at this machine; not allowed"


@pytest.mark.parametrize("method", ["check_literal", "check_resolved"])
@pytest.mark.parametrize("url", ["ftp://example.com/x", "mailto:ops@example.com", "http:///x"])
def test_only_http_urls_with_a_host_are_considered(method: str, url: str) -> None:
    check = getattr(NetGuard(), method)
    exc = rejected(lambda: check(url))
    assert exc.message == f"{url!r} is not an http(s) URL"


def test_a_multicast_address_is_refused_although_global() -> None:
    exc = rejected(lambda: NetGuard().check_literal("http://224.0.0.1/"))
    assert "private or local" in exc.message


# --- allow-lists -----------------------------------------------------------------------------


def test_an_allowed_host_name_passes_both_checks_without_resolving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an allowed host must not be resolved")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    guard = NetGuard(["LocalHost", "hooks.internal"])
    guard.check_literal("http://localhost:8000/cb")
    guard.check_literal("http://HOOKS.internal/cb")
    guard.check_resolved("http://hooks.internal/cb")


def test_an_allowed_cidr_admits_its_addresses_only() -> None:
    guard = NetGuard(["10.0.0.0/8", "fd00::/8"])
    guard.check_literal("http://10.1.2.3/")
    guard.check_literal("http://[fd12::1]/")
    rejected(lambda: guard.check_literal("http://192.168.0.1/"))
    rejected(lambda: guard.check_literal("http://127.0.0.1/"))
    rejected(lambda: guard.check_literal("http://[::1]/"))


def test_a_single_ip_in_the_allow_list_is_a_one_address_network() -> None:
    guard = NetGuard(["127.0.0.1"])
    guard.check_literal("http://127.0.0.1:9/")
    rejected(lambda: guard.check_literal("http://127.0.0.2:9/"))


def test_a_non_strict_cidr_is_accepted() -> None:
    guard = NetGuard(["192.168.1.77/24"])  # host bits set: read as 192.168.1.0/24
    guard.check_literal("http://192.168.1.5/")


# --- resolution ------------------------------------------------------------------------------


def test_resolving_to_loopback_is_refused() -> None:
    exc = rejected(lambda: NetGuard().check_resolved("http://127.0.0.1:8080/cb"))
    assert exc.message == "'127.0.0.1' resolves to 127.0.0.1, a private or local address"


def test_resolving_into_an_allowed_cidr_passes() -> None:
    assert NetGuard(["127.0.0.0/8"]).check_resolved("http://127.0.0.1:8080/cb") is None


def test_a_public_address_resolves_and_passes() -> None:
    assert NetGuard().check_resolved("https://8.8.8.8/cb") is None


def _resolving_to(*addresses: str) -> Any:
    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "hooks.example.com"
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in addresses
        ]

    return fake


def test_a_name_is_refused_if_any_of_its_addresses_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("93.184.216.34", "10.0.0.7"))
    exc = rejected(lambda: NetGuard().check_resolved("https://hooks.example.com/cb"))
    assert exc.message == "'hooks.example.com' resolves to 10.0.0.7, a private or local address"


def test_a_name_with_only_public_addresses_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    addresses = ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to(*addresses))
    assert NetGuard().check_resolved("https://hooks.example.com/cb") is None


def test_a_name_that_does_not_resolve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    exc = rejected(lambda: NetGuard().check_resolved("https://hooks.example.com/cb"))
    assert exc.message == (
        f"cannot resolve 'hooks.example.com': [Errno {socket.EAI_NONAME}] Name or service not known"
    )


def test_a_carried_ipv4_is_judged_as_itself() -> None:
    """NAT64 of a public IPv4 passes; an allow-listed IPv4 admits its IPv6 forms too."""
    NetGuard().check_literal("http://[64:ff9b::808:808]/")  # 8.8.8.8
    allowed = NetGuard(["127.0.0.1"])
    allowed.check_literal("http://[::ffff:127.0.0.1]/")
    allowed.check_literal("http://2130706433/")
    rejected(lambda: allowed.check_literal("http://[::ffff:127.0.0.2]/"))
