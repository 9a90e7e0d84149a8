"""The shapes panels answer in, and how to find what matters in each.

One object or a one-element list around it; a per-item list (``[{"order": 1, "cancel": 1}]``);
a multi-status dict keyed by order id; errors as ``{"error": ...}`` at any of those levels.
"""

from panel import values
from panel.errors import ProviderUnreachable, error_from_message
from panel.records import Service

_FAILED_STATUS_WORDS = {"error", "fail", "failed", "failure"}
_ORDER_FIELDS = {"charge", "start_count", "remains"}


def service_from(entry: dict) -> Service:
    service_id = values.identifier(entry.get("service", entry.get("id")))
    rate = values.money(entry["rate"])
    minimum, maximum = values.count(entry["min"]), values.count(entry["max"])
    if service_id is None or rate is None or minimum is None or maximum is None:
        raise ValueError(f"service {service_id!r} lacks an id, rate, min or max")
    return Service(
        service_id=service_id,
        name=str(entry.get("name") or "").strip(),
        category=str(entry.get("category") or "").strip(),
        type=str(entry.get("type") or "Default").strip(),
        rate=rate,
        min=minimum,
        max=maximum,
        # Some catalogs carry no refill or cancel flags at all: that is "not known", not "no".
        refill=values.flag_or_none(entry.get("refill")),
        cancel=values.flag_or_none(entry.get("cancel")),
        dripfeed=values.flag(entry.get("dripfeed")),
    )


def one_object(answer, unreadable=ProviderUnreachable) -> dict:
    """The answer as one object: panels that wrap it in a one-element list are unwrapped."""
    if isinstance(answer, list) and len(answer) == 1:
        answer = answer[0]
    if not isinstance(answer, dict):
        raise unreadable("The panel's answer is not a JSON object")
    return answer


def item_for(answer, wanted_id: str, key: str = "order") -> dict:
    """The entry about ``wanted_id`` in a per-item list answer, or the answer itself."""
    if isinstance(answer, list) and len(answer) > 1:
        for item in answer:
            if isinstance(item, dict) and values.identifier(item.get(key)) == wanted_id:
                return item
        raise ProviderUnreachable(f"The panel's answer did not mention {key} {wanted_id}")
    return one_object(answer)


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
    """The panel's error text, if this answer is an error. Works through one-element lists."""
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("error")
    if error not in (None, "", False):
        return str(error)
    # {"status": "error", "message": "..."}, but not an order that failed ({"status": "Fail",
    # "charge": ...}), which is a status to report, not an error.
    status = data.get("status")
    if (
        isinstance(status, str)
        and status.strip().lower() in _FAILED_STATUS_WORDS
        and ("message" in data or "msg" in data)
        and not _ORDER_FIELDS.intersection(data)
    ):
        return str(data.get("message") or data.get("msg") or status)
    return None


def raise_if_error(data, scrub=lambda text: text):
    """Raise the panel's error, if this answer is one; ``scrub`` takes the key out of it."""
    message = error_message(data)
    if message is not None:
        raise error_from_message(scrub(message.strip()))
