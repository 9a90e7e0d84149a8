"""The ways panels want a request sent, and how to tell that a panel refused the way we sent it.

Most panels read a form POST with the key as ``key``. Others read the key as ``api_key`` or
``api_token``, read only a JSON body, take the key in a header, or refuse POST altogether
(research file §2.1, §2.2). The client starts with the common form and, when the panel says
it did not find the key or the action ("The api key field is required", "The action field is
required", HTTP 405), tries the next form; the one that worked is remembered in the account's
capabilities. The key goes in a body or a header, never into a URL: URLs end up in logs.

Field names are learned the same way: "The order_id field is required" to a request that sent
``order`` means this panel calls it ``order_id`` (``FIELD_ALIASES``).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestForm:
    name: str  # kept in the capabilities
    method: str  # POST or GET
    body: str  # "form", "json", or "query" (GET: everything but the key in the query string)
    key_field: str | None  # the key's name in the body; None: in the headers instead
    description: str  # for staff, on the provider page

    def key_headers(self, key: str) -> dict:
        if self.key_field is not None:
            return {}
        # Panels that take the key in a header read one of these two (§2.1); both carry it.
        return {"Authorization": f"Bearer {key}", "X-Api-Key": key}


FORMS = (
    RequestForm("form", "POST", "form", "key", "form POST, key as key"),
    RequestForm("form:api_key", "POST", "form", "api_key", "form POST, key as api_key"),
    RequestForm("form:api_token", "POST", "form", "api_token", "form POST, key as api_token"),
    RequestForm("json", "POST", "json", "key", "JSON body, key as key"),
    RequestForm("header", "POST", "form", None, "form POST, key in a header"),
    RequestForm("get:header", "GET", "query", None, "GET, key in a header"),
)
BY_NAME = {form.name: form for form in FORMS}
TRIED = "; ".join(form.description for form in FORMS)

# What a panel says when it did not find the key or the action where it looks for them.
_NOT_FOUND = re.compile(
    r"\b(?:api[\s_-]*)?(?:key|token|action)s?\b[^.]{0,40}?"
    r"\b(?:is\s+)?(?:required|missing|empty|not\s+(?:be\s+)?(?:empty|provided|found|set|given))"
    r"|\b(?:missing|no|empty)\s+(?:api[\s_-]*)?(?:key|token|action)\b",
    re.IGNORECASE,
)
_INVALID = re.compile(r"\b(?:invalid|incorrect|wrong|bad)\b", re.IGNORECASE)
# HTTP statuses that say the method or the body type was refused before anything was done.
REFUSED_FORM_CODES = frozenset({405, 415})

# Our field name: the names other panels give it, as their pages document (§2.1).
FIELD_ALIASES = {
    "order": ("order_id",),
    "service": ("package",),
}
_REQUIRED_FIELD = re.compile(
    r"\b(?:the\s+)?[\"'`]?([a-z_]+)[\"'`]?\s+(?:field\s+)?(?:is\s+)?"
    r"(?:required|missing|should\s+not\s+be\s+empty|must\s+not\s+be\s+empty)",
    re.IGNORECASE,
)


def says_form_not_understood(message: str) -> bool:
    """Whether a refusal means the panel did not find the key or the action in our request
    (so another form may work), rather than that it found a key and refused it."""
    return bool(_NOT_FOUND.search(message)) and not _INVALID.search(message)


def alias_asked_for(message: str, sent: dict) -> tuple[str, str] | None:
    """``("order", "order_id")`` when the panel says a field we know by another name is
    missing from a request that sent it under ours; else None."""
    match = _REQUIRED_FIELD.search(message)
    if match is None:
        return None
    wanted = match.group(1).lower()
    for ours, theirs in FIELD_ALIASES.items():
        if wanted in theirs and ours in sent:
            return ours, wanted
    return None
