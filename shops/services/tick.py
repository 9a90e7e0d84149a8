"""Beat's tick for shops: settle what ended upstream, and hand lost work to a worker again."""

from django.utils import timezone

from shops.services import gate, requests, routing, settling


def tick(now=None) -> dict:
    now = now or timezone.now()
    return {
        "settled": settling.settle_due(now),
        "routed_again": routing.recover(now),
        "asked_again": requests.recover(now),
        "calls_forgotten": gate.forget_old_calls(now),
    }
