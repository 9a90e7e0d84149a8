"""Links as compared for overlapping orders: the same post or profile, however it was written.

Panels under-deliver or silently merge two orders of the same kind on one link, so smmdash
warns before placing one on a link that already has an open order. People paste the same
link in many forms: with or without ``www.`` or ``m.``, a trailing slash, a tracking query
(``?igshid=…``, ``?utm_source=…``) or a fragment, in upper or lower case.
"""

from urllib.parse import urlsplit

KEY_LENGTH = 300
MOBILE_PREFIXES = ("www.", "m.", "mobile.")


def link_key(link: str) -> str:
    """The link reduced to host and path, lower case, or the trimmed text if it is no URL."""
    text = (link or "").strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    for prefix in MOBILE_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    path = parts.path.rstrip("/").lower()
    if not host:
        return text.lower()[:KEY_LENGTH]
    return f"{host}{path}"[:KEY_LENGTH]
