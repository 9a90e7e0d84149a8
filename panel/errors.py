"""What can go wrong when talking to a panel, as exceptions callers can act on.

``ProviderError``: the panel answered and refused; its message is kept verbatim.
``ProviderUnreachable``: there was no usable answer at all.
``OrderOutcomeUnknown``: a paid ``add`` may have reached the panel but its answer did not
arrive, so the order may or may not exist. Never resend it blindly.
"""

import re


class PanelClientError(Exception):
    """Base of every error the client raises."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ProviderError(PanelClientError):
    """The panel answered with an error, e.g. ``{"error": "Invalid api key"}``."""


class RateLimited(ProviderError):
    """The panel asked us to slow down ("Spam protection, wait 7 seconds", HTTP 429)."""

    def __init__(self, message: str, wait_seconds: int):
        super().__init__(message)
        self.wait_seconds = wait_seconds


class FormRefused(ProviderError):
    """The panel turned the request away for its method or body type (HTTP 405, 415) before
    doing anything; another request form may be taken."""


class ActionNotSupported(ProviderError):
    """The panel has no such action (e.g. no ``cancel`` or no ``refill``)."""


class ProviderUnreachable(PanelClientError):
    """No usable answer: connection failure, timeout, HTTP 5xx, HTML, empty or broken body."""


class BrowserCheck(ProviderUnreachable):
    """The panel's site answered with a browser check (a Cloudflare challenge), which no API
    client can pass: a problem for the panel's owner, not a parse error."""


class Blocked(ProviderUnreachable):
    """The panel's site turned this server's address away (a firewall's block page, such as
    Cloudflare's "Sorry, you have been blocked", error 1020). Not a browser check: nothing
    this server does gets through until the panel allows its address."""


class TextAnswer(ProviderUnreachable):
    """A read was answered in plain text, not JSON ("Invalid request"). A panel that reads
    only another request form answers a form it does not take that way, so while the form is
    being learned the next one is tried, as after HTTP 405."""


class OrderOutcomeUnknown(ProviderUnreachable):
    """An ``add`` went out but its answer did not come back: the order may exist."""


_WAIT = re.compile(r"(?:wait|after|in)\s+(\d{1,5})\s*(s\b|sec|second|min)", re.IGNORECASE)
_RATE_LIMIT_WORDS = ("spam protection", "too many requests", "rate limit", "too many attempts")
# "Invalid action", "Unknown action", and the other way round, "This action is invalid".
_NO_ACTION = re.compile(
    r"\b(?:invalid|incorrect|unknown|wrong|unsupported)\s+action\b"
    r"|\baction\s+(?:is\s+)?(?:invalid|incorrect|unknown|wrong|not\s+(?:supported|found|exists?))\b",
    re.IGNORECASE,
)
DEFAULT_RATE_LIMIT_WAIT = 10


def error_from_message(message: str) -> ProviderError:
    """Turn a panel's error text into the most specific ``ProviderError``."""
    lowered = message.lower()
    if any(word in lowered for word in _RATE_LIMIT_WORDS):
        return RateLimited(message, wait_seconds_in(message))
    if _NO_ACTION.search(message):
        return ActionNotSupported(message)
    return ProviderError(message)


def wait_seconds_in(message: str, default: int = DEFAULT_RATE_LIMIT_WAIT) -> int:
    match = _WAIT.search(message)
    if not match:
        return default
    amount = int(match.group(1))
    return amount * 60 if match.group(2).lower().startswith("min") else amount
