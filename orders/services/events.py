"""The order event log: one append-only line per request, answer, status change and action."""

from django.utils import timezone

from orders.models import OrderEvent

Kind = OrderEvent.Kind


def record(order, kind: str, message: str, *, actor=None, at=None, data=None) -> OrderEvent:
    new = event(order.pk, kind, message, at=at or timezone.now(), data=data)
    new.actor = actor
    new.save()
    return new


def event(order_id: int, kind: str, message: str, *, at, data=None) -> OrderEvent:
    """An unsaved event, for OrderEvent.objects.bulk_create."""
    return OrderEvent(order_id=order_id, kind=kind, message=message, at=at, data=data or {})


def request_data(action: str, **fields) -> dict:
    """What was sent, as the log keeps it: the action and its fields, never the key."""
    return {"action": action, **{name: value for name, value in fields.items() if value}}
