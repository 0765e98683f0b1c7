"""The client's address of a request, for the audit trail and the login lockout (django-axes,
AXES_CLIENT_IP_CALLABLE): one answer for both.

X-Forwarded-For is written by whoever sends the request, so it is believed only when the
request comes from a proxy of COURTDASH_TRUSTED_PROXIES, and then only as far as that chain of
trusted proxies goes: the right-most address that is not itself a trusted proxy is the client
(anything to its left was written by the client). Every address is checked with `ipaddress`; a
value that is not one is never stored (the audit column is an IP field: it would be a 500).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "COURTDASH_TRUSTED_PROXIES", ())))


def _address(value: str | None) -> Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _is_trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address in network for network in proxies)


def client_ip(request) -> str | None:
    """The client's address as text, or None when the request carries no valid one."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if remote is None or not _is_trusted(remote, proxies):
        return str(remote) if remote else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for value in reversed(forwarded.split(",")):
        address = _address(value)
        if address is None:
            break  # a proxy of ours wrote no such value: the chain is not to be believed further
        if not _is_trusted(address, proxies):
            return str(address)
    return str(remote)
