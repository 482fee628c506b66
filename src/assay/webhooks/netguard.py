"""Refuse outbound requests to private, loopback and link-local addresses.

A callback URL or a file URL comes from an API caller; without this guard the server could be
made to reach into its own network (SSRF). Operators allow specific hosts or CIDRs with
``ASSAY_ALLOW_PRIVATE_HOSTS`` (the tests allow 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from assay.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class NetGuard:
    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._hosts: set[str] = set()
        self._nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allowed:
            try:
                self._nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry.lower())

    def _allowed_ip(self, ip: IPAddress) -> bool:
        if any(ip in net for net in self._nets):
            return True
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return self._allowed_ip(embedded)
        return ip.is_global and not ip.is_multicast

    def check_literal(self, url: str) -> None:
        """At creation time: refuse URLs whose host is a private IP literal."""
        host = _host(url)
        if host in self._hosts:
            return
        ip = _literal_ip(host)
        if ip is None:
            if host == "localhost" or host.endswith(".localhost"):
                raise Invalid(f"{url!r} points at this machine; not allowed")
            return
        if not self._allowed_ip(ip):
            raise Invalid(f"{url!r} points at a private or local address; not allowed")

    def check_resolved(self, url: str) -> None:
        """At request time: every address the host resolves to must be allowed."""
        host = _host(url)
        if host in self._hosts:
            return
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise Invalid(f"cannot resolve {host!r}: {exc}") from None
        for info in infos:
            ip = ipaddress.ip_address(info[4][0])
            if not self._allowed_ip(ip):
                raise Invalid(f"{host!r} resolves to {ip}, a private or local address")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _literal_ip(host: str) -> IPAddress | None:
    """The address a host names without DNS, including legacy IPv4 forms (``2130706433``,
    ``0x7f.1``) that resolvers accept and ``ipaddress`` does not."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), judged as itself."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{url!r} is not an http(s) URL")
    return parts.hostname.lower()
