"""The private-address guard: links from feeds must not reach the operator's own network."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from tracker.errors import FetchBlocked, FetchError


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_public(url: str) -> None:
    """Raise FetchBlocked unless every address ``url``'s host resolves to is public."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise FetchBlocked(url, "no host in URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(url, f"cannot resolve {host} ({exc.strerror})", "dns") from exc
    addresses = {str(info[4][0]) for info in infos}
    private = sorted(a for a in addresses if not is_public_address(a))
    if private:
        raise FetchBlocked(
            url,
            f"{host} resolves to non-public address {', '.join(private)} "
            "(set fetch.allow_private_hosts = true to allow)",
        )
