"""How a simulated panel reads a request: which methods and bodies it takes, where it looks for
the key, and its own names for actions and fields.

The result is the common form (``key``, ``action``, ``service``, ``order``...) the panels
answer from, plus a note of where the key came from, so tests can check that the client never
put it into a URL.
"""

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Inbound:
    form: dict  # in the common names; "key" is where the panel found it, or ""
    key_place: str  # "form", "json", "header", "query" (the URL), or "" (not found)
    body: str  # "form", "json" or "query"


def read(dialect, method: str, query: str, body: bytes, headers) -> Inbound:
    """The request as ``dialect``'s panel understands it. Fields it does not read are gone, so
    a panel that reads only JSON sees nothing in a form body, as a real one would."""
    query_fields = dict(parse_qsl(query, keep_blank_values=True))
    if method == "GET":
        fields, kind = query_fields, "query"
    elif "json" in (headers.get("Content-Type") or "").lower():
        fields, kind = _json_fields(body), "json"
    else:
        fields, kind = (
            dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)),
            "form",
        )
    if kind != "query" and kind not in dialect.bodies:
        fields = {}
    key, place = "", ""
    for name in dialect.key_fields:
        if fields.get(name, "").strip():
            key, place = fields[name], kind  # "query": the key was in the URL
            break
    if not key and dialect.key_headers:
        key = _key_from_headers(headers)
        place = "header" if key else ""
    form = {name: value for name, value in fields.items() if name not in dialect.key_fields}
    for theirs, ours in dialect.field_aliases.items():
        form.pop(ours, None)  # a name this panel does not know is ignored...
        if theirs in form:
            form[ours] = form.pop(theirs)  # ...and its own is read as ours
    action = form.get("action", "").strip().lower()
    if action in dialect.action_aliases.values():
        form["action"] = "(unknown to this panel)"
    for theirs, ours in dialect.action_aliases.items():
        if action == theirs:
            form["action"] = ours
    form["key"] = key
    return Inbound(form, place, kind)


def _json_fields(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8", "replace") or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): "" if value is None else str(value) for name, value in data.items()}


def _key_from_headers(headers) -> str:
    authorization = (headers.get("Authorization") or "").strip()
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return (headers.get("X-Api-Key") or "").strip()
