"""Which provider URLs the server may request: http(s) only, and no internal hosts in production.

Without this, anyone who can add a provider could make the server fetch its own admin ports or
a cloud metadata address and show the answer as "the panel's error".
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeProviderURL(ValueError):
    pass


def check_provider_url(url: str) -> None:
    """Raise UnsafeProviderURL (with a message for staff) if smmdash must not request `url`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeProviderURL("The API URL must start with http:// or https://.")
    if not parts.hostname:
        raise UnsafeProviderURL("The API URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeProviderURL("The API URL must not contain a user name or password.")
    if settings.PROVIDER_ALLOW_PRIVATE_HOSTS:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        answers = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):
        raise UnsafeProviderURL(f"The host {parts.hostname} could not be resolved.") from None
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if _internal(address):
            raise UnsafeProviderURL(
                f"The host {parts.hostname} resolves to {address}, an internal address. "
                "Provider URLs must be public (PROVIDER_ALLOW_PRIVATE_HOSTS allows internal ones)."
            )


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )
