"""The shapes panels answer in, and how to find what matters in each.

One object, or one-element lists around it however deep (``[[{...}]]``); a per-item list
(``[{"order": 1, "cancel": 1}]``); a dict keyed by order id (multi-status, and some panels'
cancel); an envelope (``{"status": true, "data": {...}}``); errors as ``{"error": ...}``, as
``{"status": false, "message": ...}`` and the like, at any of those levels.
"""

import re

from panel import values
from panel.errors import ProviderUnreachable, error_from_message
from panel.records import Service

_FAILED_STATUS_WORDS = {"error", "fail", "failed", "failure", "false"}
_ORDER_FIELDS = {"charge", "start_count", "remains"}
# Keys an envelope may carry besides what it wraps ("data").
_ENVELOPE_KEYS = {"status", "success", "result", "code", "message", "msg"}
_MESSAGE_KEYS = ("message", "msg", "error", "errors", "description")
_BRACKETED = re.compile(r"\s*\[[^\]]*\]")


def unwrapped(answer, *, objects=True):
    """The answer without the wrapping panels put around it: one-element lists however deep,
    and an envelope's "data" (``{"status": true, "data": [...]}``). With ``objects=False`` a
    one-element list of one object is kept as a list (a catalog of one service)."""
    for _ in range(8):  # deep enough for any panel seen; no loop on a pathological answer
        if (
            isinstance(answer, list)
            and len(answer) == 1
            and isinstance(answer[0], list | dict if objects else list)
        ):
            answer = answer[0]
        elif (
            isinstance(answer, dict)
            and isinstance(answer.get("data"), list | dict)
            and set(answer) - {"data"} <= _ENVELOPE_KEYS
            and error_message(answer) is None
        ):
            answer = answer["data"]
        else:
            return answer
    return answer


def catalog_entries(answer) -> list | None:
    """The service entries of a catalog answer, however it is wrapped, or None."""
    answer = unwrapped(answer, objects=False)
    if isinstance(answer, dict) and isinstance(answer.get("services"), list):
        answer = answer["services"]
    if isinstance(answer, list) and answer and all(isinstance(item, list) for item in answer):
        answer = [entry for part in answer for entry in part]  # [[{...},{...}]] split in parts
    if isinstance(answer, dict) and answer and all(isinstance(v, dict) for v in answer.values()):
        return list(answer.values())  # keyed by service id
    return answer if isinstance(answer, list) else None


def service_from(entry: dict) -> Service:
    entry = _plain_names(entry)
    service_id = values.identifier(entry.get("service", entry.get("id")))
    rate = values.money(entry["rate"])
    minimum, maximum = values.count(entry["min"]), values.count(entry["max"])
    if service_id is None or rate is None or minimum is None or maximum is None:
        raise ValueError(f"service {service_id!r} lacks an id, rate, min or max")
    return Service(
        service_id=service_id,
        name=_text_in(entry, "name"),
        category=_text_in(entry, "category", "cat"),
        type=str(entry.get("type") or "Default").strip(),
        rate=rate,
        min=minimum,
        max=maximum,
        # Some catalogs carry no refill or cancel flags at all: that is "not known", not "no".
        refill=values.flag_or_none(entry.get("refill")),
        cancel=values.flag_or_none(entry.get("cancel")),
        dripfeed=values.flag(entry.get("dripfeed")),
    )


def _plain_names(entry: dict) -> dict:
    """Field names without the notes some panels bracket onto them (``"rate [Other currency
    Separate Ticket request]"`` is ``rate``, research file §2.3)."""
    if not any("[" in name for name in entry):
        return entry
    return {_BRACKETED.sub("", name).strip(): value for name, value in entry.items()}


def _text_in(entry: dict, name: str, short: str | None = None) -> str:
    """A text field, or its English (else first) translation from ``name_lang``/``cat_lang``."""
    text = entry.get(name)
    if not text:
        translations = entry.get(f"{short or name}_lang")
        if isinstance(translations, dict) and translations:
            text = translations.get("en") or next(iter(translations.values()))
    return str(text or "").strip()


def one_object(answer, unreadable=ProviderUnreachable) -> dict:
    """The answer as one object, unwrapped (see ``unwrapped``)."""
    answer = unwrapped(answer)
    if not isinstance(answer, dict):
        raise unreadable("The panel's answer is not a JSON object")
    return answer


def item_for(answer, wanted_id: str, key: str = "order") -> dict:
    """The entry about ``wanted_id`` in a per-item answer (a list of items, or a dict keyed by
    id), or the answer itself when it is about one item. An entry that is an error is raised
    by the caller, so a refusal of the id asked is never read as the others' success."""
    answer = unwrapped(answer)
    if isinstance(answer, list) and len(answer) > 1:
        for item in answer:
            if isinstance(item, dict) and values.identifier(item.get(key)) == wanted_id:
                return item
        raise ProviderUnreachable(f"The panel's answer did not mention {key} {wanted_id}")
    if isinstance(answer, dict) and _keyed_by_ids(answer):
        entry = answer.get(wanted_id)
        if not isinstance(entry, dict):
            raise ProviderUnreachable(f"The panel's answer did not mention {key} {wanted_id}")
        return entry
    return one_object(answer)


def _keyed_by_ids(answer: dict) -> bool:
    return bool(answer) and all(
        values.identifier(name) is not None and str(name).isdigit() and isinstance(entry, dict)
        for name, entry in answer.items()
    )


def answers_by_id(answer, batch) -> dict | None:
    """A multi-status answer as {order id: entry}, or None if it is not one."""
    if isinstance(answer, dict) and any(order_id in answer for order_id in batch):
        return {str(order_id): entry for order_id, entry in answer.items()}
    if isinstance(answer, list) and answer and all(isinstance(item, dict) for item in answer):
        by_id = {values.identifier(item.get("order")): item for item in answer}
        if any(order_id in by_id for order_id in batch):
            return by_id
    return None


def error_message(data) -> str | None:
    """The panel's error text, if this answer is an error, wherever real panels put it:
    ``{"error": ...}`` (a text, or an object with a message), ``{"status": false | "error",
    "message": ...}``, ``{"result": false, ...}``, ``{"success": false, ...}``. Works through
    one-element lists however deep."""
    for _ in range(8):
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        else:
            break
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("error")
    if isinstance(error, list) and error:
        error = "; ".join(str(part) for part in error)
    if error is True:
        return _message_in(data) or "The panel refused the request"
    if error not in (None, "", False):
        return str(error)
    for flag in ("status", "result", "success"):
        if data.get(flag) is False and not _ORDER_FIELDS.intersection(data):
            return _message_in(data) or "The panel refused the request"
    # {"status": "error", "message": "..."}, but not an order that failed ({"status": "Fail",
    # "charge": ...}), which is a status to report, not an error.
    status = data.get("status")
    if (
        isinstance(status, str)
        and status.strip().lower() in _FAILED_STATUS_WORDS
        and any(name in data for name in _MESSAGE_KEYS)
        and not _ORDER_FIELDS.intersection(data)
    ):
        return _message_in(data) or status
    return None


def _message_in(data: dict) -> str | None:
    for name in _MESSAGE_KEYS:
        text = data.get(name)
        if isinstance(text, dict):
            text = text.get("message") or text.get("error")
        if isinstance(text, list) and text:
            text = "; ".join(str(part) for part in text)
        if isinstance(text, str) and text.strip():
            return text
    return None


def raise_if_error(data, scrub=lambda text: text):
    """Raise the panel's error, if this answer is one; ``scrub`` takes the key out of it."""
    message = error_message(data)
    if message is not None:
        raise error_from_message(scrub(message.strip()))
