"""APIs that are not the key/action family, told apart from a panel that merely failed.

A reseller pastes whatever URL their panel's page shows. Some are another API altogether
(research file, section 2.10), and trying harder would only guess; so the connection test says
which family the URL looks like and why smmdash cannot use it, in words staff can act on.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Family:
    name: str
    why: str  # why smmdash cannot use it, and what to use instead


PERFECT_PANEL_ADMIN = Family(
    "the Perfect Panel admin API",
    "it manages a panel you own (orders of your customers), not an account you buy from. "
    "Use the panel's API page as a customer: an address like https://panel.example/api/v2 "
    "and your account's API key.",
)
API_ID_FAMILY = Family(
    "the api_id / api_key API some Indonesian panels use",
    "it signs in with a user id and a key and names its actions differently "
    "(order, status, profile), so the key/action API smmdash speaks is not there.",
)
SIGNED_FAMILY = Family(
    "a signed API (a sign = md5 of your user id and key on every request)",
    "smmdash speaks the key/action API, which sends the key alone.",
)
BEARER_FAMILY = Family(
    "a REST API that takes its key as a Bearer token",
    "smmdash speaks the key/action API: one address, the key and an action in the form.",
)
WEB_PAGE = Family(
    "a web page, not an API address",
    "the panel's API page names the address to use, often ending in /api/v2.",
)

_API_ID = re.compile(r"\bapi[_ ]?id\b", re.IGNORECASE)
_SIGN = re.compile(r"\bsign(ature)?\b.*\b(required|invalid|wrong|missing)\b", re.IGNORECASE)
_BEARER = re.compile(r"\b(bearer|authorization header|unauthenticated)\b", re.IGNORECASE)


def family_of(api_url: str, message: str) -> Family | None:
    """The family `api_url` looks like, given the message its connection test failed with,
    or None when it looks like a key/action panel that simply refused or failed."""
    path = urlsplit(api_url).path.lower()
    if "/adminapi/" in path + "/":
        return PERFECT_PANEL_ADMIN
    if _API_ID.search(message):
        return API_ID_FAMILY
    if _SIGN.search(message):
        return SIGNED_FAMILY
    if _BEARER.search(message) or "HTTP 401" in message:
        return BEARER_FAMILY
    if "sent a web page" in message and "(HTTP 200)" in message:
        return WEB_PAGE
    return None


def refusal(api_url: str, message: str) -> str | None:
    """Words for staff when `api_url` is another family, or None."""
    family = family_of(api_url, message)
    if family is None:
        return None
    return f"This URL looks like {family.name}, which smmdash cannot use: {family.why}"
