"""The shapes panels answer in, and how to find what matters in each.

One object, or one-element lists around it however deep (``[[{...}]]``); a per-item list
(``[{"order": 1, "cancel": 1}]``); a dict keyed by order id (multi-status, and some panels'
cancel), whose slots may be bare values (``"999": "Incorrect order ID"``, ``"2": "Rejected"``);
an envelope (``{"status": true, "data": {...}}``); errors as ``{"error": ...}``, as
``{"status": false, "message": ...}`` and the like, at any of those levels, with the panel's
words wherever it puts them (``{"success": false, "data": {"message": ...}}``).
"""

import re
from decimal import Decimal

from panel import statuses, values
from panel.errors import ProviderUnreachable, error_from_message
from panel.records import Service

_FAILED_STATUS_WORDS = {"error", "fail", "failed", "failure", "false"}
_ORDER_FIELDS = {"charge", "start_count", "remains"}
# Keys an envelope may carry besides what it wraps ("data").
_ENVELOPE_KEYS = {"status", "success", "result", "code", "message", "msg"}
# Where panels put their words, in the order they are looked for.
_MESSAGE_KEYS = ("message", "msg", "error", "errors", "description", "detail", "reason")
_WORDS_ONLY_KEYS = _ENVELOPE_KEYS | set(_MESSAGE_KEYS) | {"data"}
_SUCCESS_WORDS = {"success", "ok", "true"}
_FLAGS = ("status", "success", "result")  # an envelope's word for how the request went
_BRACKETED = re.compile(r"\s*\[[^\]]*\]")
# Words that make a bare slot (``"999": "Incorrect order ID"``) a refusal of its id.
_REFUSAL_WORDS = re.compile(
    r"\b(?:invalid|incorrect|wrong|unknown|not\s+found|no\s+such|does\s*n[o']?t\s+exists?"
    r"|not\s+exists?|cannot|can\s*not|can't|unable|not\s+(?:allowed|possible|eligible)"
    r"|denied|forbidden|refused|rejected|declined|required|missing|already|errors?"
    r"|fail(?:s|ed|ure)?)\b",
    re.IGNORECASE,
)
_DEEP_ENOUGH = 8  # deeper than any panel wraps; no loop on a pathological answer


def unwrapped(answer, *, objects=True):
    """The answer without the wrapping panels put around it: one-element lists however deep,
    and an envelope's "data" (``{"status": true, "data": [...]}``). With ``objects=False`` a
    one-element list of one object is kept as a list (a catalog of one service)."""
    for _ in range(_DEEP_ENOUGH):
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


def item_for(answer, wanted_id: str, key: str = "order", field: str = "status") -> dict:
    """The entry about ``wanted_id`` in a per-item answer (a list of items, or a dict keyed by
    id), or the answer itself when it is about one item. An entry that is an error is raised
    by the caller, so a refusal of the id asked is never read as the others' success. A slot
    that is a bare value is read by ``slot`` as `field`'s value or a refusal."""
    answer = unwrapped(answer)
    if isinstance(answer, list) and len(answer) > 1:
        for item in answer:
            if isinstance(item, dict) and values.identifier(item.get(key)) == wanted_id:
                return item
        raise ProviderUnreachable(f"The panel's answer did not mention {key} {wanted_id}")
    if isinstance(answer, dict) and _keyed_by_ids(answer):
        entry = answer.get(wanted_id)
        if entry is None:
            raise ProviderUnreachable(f"The panel's answer did not mention {key} {wanted_id}")
        return slot(entry, field)
    return one_object(answer)


def _keyed_by_ids(answer: dict) -> bool:
    return bool(answer) and all(
        str(name).strip().isdigit() and _is_slot(entry) for name, entry in answer.items()
    )


def _is_slot(entry) -> bool:
    return isinstance(entry, dict | str) or (
        isinstance(entry, int | Decimal) and not isinstance(entry, bool)
    )


def slot(entry, field: str, *, only_status_words: bool = False) -> dict:
    """A slot of a keyed answer as an object. Most panels put an object there; some a bare
    value: an error text (``"999": "Incorrect order ID"``), a status word (``"2":
    "Rejected"``), a refill id (``"5": 77``). Where a status is asked (`field` "status") a
    word the status table knows is the status; other words that read as a refusal are the
    refusal of that id, and the rest are `field`'s value, or, with ``only_status_words`` (an
    order's status, which has figures besides), a refusal too."""
    if isinstance(entry, dict):
        return entry
    if not isinstance(entry, str):
        return {field: entry} if _is_slot(entry) else {}
    text = entry.strip()
    if field == "status" and (
        statuses.known(text, exactly=True) or (statuses.known(text) and not reads_as_refusal(text))
    ):
        return {field: text}
    if reads_as_refusal(text) or (field == "status" and only_status_words):
        return {"error": text}
    return {field: text}


def reads_as_refusal(text: str) -> bool:
    """Whether a panel's bare words refuse something ("Incorrect order ID", "Order can not
    be canceled", "Refill not found") rather than name a value or a state."""
    return bool(_REFUSAL_WORDS.search(text))


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
    ``{"error": ...}`` (a text, a list, or an object with a message), ``{"status": false |
    "error", "message": ...}``, ``{"result": false, ...}``, ``{"success": false, ...}``, with
    the words at any depth (``{"success": false, "data": {"message": ...}}``). Works through
    one-element lists and envelopes' "data" however deep."""
    for _ in range(_DEEP_ENOUGH):
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
            continue
        if not isinstance(data, dict):
            return None
        message = _refusal_in(data)
        if message is not None:
            return message
        inner = data.get("data")
        if not (isinstance(inner, list | dict) and set(data) - {"data"} <= _ENVELOPE_KEYS):
            return None
        data = inner
    return None


def _refusal_in(data: dict) -> str | None:
    """The error text of this one object, if it is an error."""
    error = data.get("error")
    if error in (None, "", [], {}):
        error = data.get("errors")
    if error is True:
        return words_in(data) or "The panel refused the request"
    if isinstance(error, int | Decimal) and not isinstance(error, bool):
        # {"error": 0} is PHP for "no error"; another number is a code, its words elsewhere.
        if error:
            return words_in(data) or str(error)
    elif error not in (None, False):
        found = words_in(error, loose=True)
        if found:
            return found
    if _ORDER_FIELDS.intersection(data):
        # An order, even one that failed ({"status": "Fail", "charge": ...}): a status to
        # report, not an error.
        return None
    for flag in _FLAGS:
        # "status" also names an order's state ("Failed"), so only false is a refusal there.
        if data.get(flag) is False or (flag != "status" and _says_failure(data.get(flag))):
            return words_in(data) or "The panel refused the request"
    status = data.get("status")
    failed = isinstance(status, str) and status.strip().lower() in _FAILED_STATUS_WORDS
    if failed and any(name in data for name in (*_MESSAGE_KEYS, "data")):
        return words_in(data) or status
    return None


def words_in(value, *, loose: bool = False, depth: int = 0) -> str | None:
    """The panel's words in an answer or a part of one, however deep: a text, the texts of a
    list, or an object's message, looked for in its message fields and then in its "data"
    (``{"data": {"error": "..."}}``). ``loose``: every text in the object counts, as in an
    error object keyed by field (``{"key": ["The key field is required."]}``), which any
    message field may hold."""
    if depth > _DEEP_ENOUGH:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        found = [words_in(item, loose=loose, depth=depth + 1) for item in value[:20]]
        return "; ".join(dict.fromkeys(text for text in found if text)) or None
    if not isinstance(value, dict):
        return None
    for name in (*_MESSAGE_KEYS, "data"):
        if name in value:
            found = words_in(value[name], loose=name != "data", depth=depth + 1)
            if found:
                return found
    if loose:
        return words_in(list(value.values()), loose=True, depth=depth + 1)
    return None


def only_words(answer) -> str | None:
    """The panel's words when an answer is nothing but words: ``{"message": "Order not
    found"}``, ``{"code": 404, "msg": ...}``, one wrapped in an envelope. To a read that
    needed figures and got none, they are the panel's refusal. Ask only once the answer is
    known to lack what was asked for: a status answer's "status" is a key words go in too."""
    answer = unwrapped(answer)
    if isinstance(answer, dict) and answer and set(answer) <= _WORDS_ONLY_KEYS:
        return words_in(answer)
    return None


def said_empty(answer) -> str | None:
    """When a catalog answer says the catalog is empty: the panel's words for it (``{"status":
    "success", "data": "Empty Data"}``, ``{"success": true, "data": [], "message": "No
    services"}``), or "" where it says so without words (``[]``, ``{"data": []}``); None when
    the answer is something else."""
    for _ in range(_DEEP_ENOUGH):
        if isinstance(answer, list) and len(answer) == 1 and isinstance(answer[0], list | dict):
            answer = answer[0]
        elif answer in ([], {}):
            return ""
        elif not (isinstance(answer, dict) and set(answer) <= _WORDS_ONLY_KEYS):
            return None
        elif isinstance(answer.get("data"), list | dict) and answer["data"]:
            answer = answer["data"]  # an envelope around an envelope
        elif "data" in answer or any(_says_success(answer.get(flag)) for flag in _FLAGS):
            return words_in(answer) or ""
        else:
            return None
    return None


def _says_failure(flag) -> bool:
    if isinstance(flag, str):
        return flag.strip().lower() in _FAILED_STATUS_WORDS
    return type(flag) is int and flag == 0


def _says_success(flag) -> bool:
    if isinstance(flag, str):
        return flag.strip().lower() in _SUCCESS_WORDS
    return flag is True or (type(flag) is int and flag == 1)


def raise_if_error(data, scrub=lambda text: text):
    """Raise the panel's error, if this answer is one; ``scrub`` takes the key out of it."""
    message = error_message(data)
    if message is not None:
        raise error_from_message(scrub(message.strip()))
