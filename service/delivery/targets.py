"""Where a webhook may be delivered: the host is resolved once, every address it resolves to
must be a public one, and the call then connects to that very address (no second lookup that
a hostile DNS server could answer differently).

Always refused: link-local addresses (169.254.0.0/16 holds the clouds' metadata services,
fe80::/10), multicast, unspecified (0.0.0.0, ::), reserved and other special-purpose ranges,
and the known metadata addresses. Loopback and private networks (10/8, 172.16/12, 192.168/16,
100.64/10, fc00::/7) are refused unless the operator sets WEBHOOK_ALLOW_PRIVATE=true for
receivers on their own network or host. Odd spellings of an address (`0x7f000001`, `127.1`,
`2130706433`, `[::ffff:127.0.0.1]`) are what the resolver makes of them, so they are judged
as the address they reach.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Metadata services reachable outside link-local space (Alibaba Cloud's, AWS's IPv6 one).
METADATA = frozenset(ipaddress.ip_address(a) for a in ("100.100.100.200", "fd00:ec2::254"))


class TargetRefused(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


class TargetUnresolved(Exception):
    """The URL's host does not resolve (now)."""


@dataclass(frozen=True)
class Target:
    host: str  # as written in the URL (sent as Host and as the TLS server name)
    port: int
    address: str  # the resolved address the call connects to


def _plain(address: IPAddress) -> IPAddress:
    """An IPv4 address written as IPv6 (mapped, or NAT64's well-known prefix) is judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def refusal(address: IPAddress, allow_private: bool) -> str | None:
    """Why a webhook may not go to `address`, or None when it may."""
    address = _plain(address)
    if address in METADATA or address.is_link_local:
        return "a link-local or metadata address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return None if allow_private else "a loopback address"
    shared = isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10")
    if address.is_private or shared:
        # is_private also covers documentation, benchmarking and other special-purpose ranges;
        # only real private networks are what the operator's setting admits.
        if allow_private and (shared or _is_private_network(address)):
            return None
        return "a private or reserved address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


_PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))


def _is_private_network(address: IPAddress) -> bool:
    return any(address.version == net.version and address in net for net in _PRIVATE_NETWORKS)


def resolve(host: str, port: int, allow_private: bool) -> Target:
    """The address to connect to for `host`, or TargetRefused / TargetUnresolved. Every address
    the name resolves to must be allowed: a name that also resolves to an internal address is
    refused whichever one a connection would have used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise TargetUnresolved(f"The webhook host {host!r} does not resolve ({exc}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise TargetUnresolved(f"The webhook host {host!r} does not resolve.")
    for text in addresses:
        why = refusal(ipaddress.ip_address(text.partition("%")[0]), allow_private)
        if why:
            raise TargetRefused(f"Webhooks may not be delivered to {why} ({host} is {text}); "
                                "see WEBHOOK_ALLOW_PRIVATE.")
    return Target(host=host, port=port, address=addresses[0])
