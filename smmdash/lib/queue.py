"""Queueing background work by the task's name.

The services that queue work (a sync, an order to send, a poll) are what the task modules
call, so they must not import those modules back: they name the task instead, and Celery
routes it by that name like any other (CELERY_TASK_ROUTES).

A broker that cannot be reached is not the caller's failure. Work is recorded in the database
before it is queued, and whatever never reached a worker is queued again by its dispatcher,
so `queue` says whether the broker took the task rather than raising; a page that has just
recorded an order still answers. After a failure it does not try the broker again for a few
seconds, so a mass order of a thousand lines does not wait a thousand times for a broker
that is down.
"""

import logging
import time
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db.models import Q
from kombu.exceptions import OperationalError

log = logging.getLogger("smmdash.queue")

RUN_CATALOG_SYNC = "providers.tasks.run_catalog_sync"
SUBMIT_ORDER = "orders.tasks.submit_order"
POLL_PROVIDER_ORDERS = "orders.tasks.poll_provider_orders"
DELIVER_ALERT = "alerts.tasks.deliver"

BROKER_RETRY_AFTER = 5.0  # seconds without trying a broker that just failed


class BrokerWatch:
    """Whether the broker failed a moment ago, in this process."""

    def __init__(self):
        self.unreachable_until = 0.0

    def failed(self):
        self.unreachable_until = time.monotonic() + BROKER_RETRY_AFTER

    @property
    def resting(self) -> bool:
        return time.monotonic() < self.unreachable_until

    def forget(self):
        self.unreachable_until = 0.0


broker = BrokerWatch()


def queue(task_name: str, *args, countdown: int | None = None) -> bool:
    """Hand a task to the workers; its arguments are ids, never secrets.

    Returns False, having logged why, when the broker could not take it.
    """
    if broker.resting:
        return False
    try:
        current_app.send_task(task_name, args=args, countdown=countdown)
    except (OperationalError, OSError) as failure:
        broker.failed()
        log.warning(
            "The broker could not take %s%s (%s); it is queued again once the broker answers",
            task_name,
            args,
            failure,
        )
        return False
    return True


def hand_over(task_name: str, rows, due_field: str, *args) -> bool:
    """Queue a task for work recorded in `rows` (a queryset of its one row, whose `due_field`
    says when the task should run). When the broker does not take it, the row is marked as held
    by no task (`due_field` None), and hand_over_lost queues it once the broker answers."""
    if queue(task_name, *args):
        return True
    rows.update(**{due_field: None})
    return False


def hand_over_lost(task_name, waiting, due_field: str, now, *, args_of=lambda pk: (pk,)) -> int:
    """Queue again the work in `waiting` (a queryset) that no task holds: none reached the
    broker, or the one that did should have run ORDER_QUEUED_STALLED_SECONDS ago (lost in a
    broker restart, dropped by a worker). The task must make a second run harmless (a claim).
    Returns how many were handed over."""
    due_long_ago = now - timedelta(seconds=settings.ORDER_QUEUED_STALLED_SECONDS)
    lost = list(
        waiting.filter(
            Q(**{f"{due_field}__isnull": True}) | Q(**{f"{due_field}__lt": due_long_ago})
        ).values_list("pk", flat=True)
    )
    waiting.filter(pk__in=lost).update(**{due_field: now})
    for handed, pk in enumerate(lost):
        if not queue(task_name, *args_of(pk)):
            # Still out of reach: these wait for the next round.
            waiting.filter(pk__in=lost[handed:]).update(**{due_field: None})
            return handed
    return len(lost)
