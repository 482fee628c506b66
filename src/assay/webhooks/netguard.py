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
        if ip.is_global and not ip.is_multicast:
            return True
        return any(ip in net for net in self._nets)

    def check_literal(self, url: str) -> None:
        """At creation time: refuse URLs whose host is a private IP literal."""
        host = _host(url)
        if host in self._hosts:
            return
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host == "localhost" or host.endswith(".localhost"):
                raise Invalid(f"{url!r} points at this machine; not allowed") from None
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


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{url!r} is not an http(s) URL")
    return parts.hostname.lower()
