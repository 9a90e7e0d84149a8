"""Which provider URLs smmdash accepts: http(s), a host, and no credentials in the URL.

Where the host may lead is checked later and lower down, when the client connects
(``panel.connections``): the address it resolves to is checked and then used, so a
host name cannot pass the check with one address and be connected to at another.
"""

from urllib.parse import urlsplit


class UnsafeProviderURL(ValueError):
    pass


def check_provider_url(url: str) -> None:
    """Raise UnsafeProviderURL (with a message for staff) if `url` is no panel address at all."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeProviderURL("The API URL must start with http:// or https://.")
    if not parts.hostname:
        raise UnsafeProviderURL("The API URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeProviderURL("The API URL must not contain a user name or password.")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        raise UnsafeProviderURL("The API URL's port is not a number from 1 to 65535.") from None
