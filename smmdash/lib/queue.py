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


# Work whose task seems lost is handed over again after ORDER_QUEUED_STALLED_SECONDS, then
# after as long again as it has waited, up to this: under a backlog the tasks are still in the
# broker, and each hand-over would add one more to it.
HAND_OVER_AGAIN_AT_MOST = timedelta(minutes=5)


def hand_over_lost(task_name, waiting, due_field: str, now, *, args_of=lambda pk: (pk,)) -> int:
    """Queue again the work in `waiting` (a queryset of rows with a `created_at`) that no task
    holds: none reached the broker, or the one that did should have run
    ORDER_QUEUED_STALLED_SECONDS ago (lost in a broker restart, dropped by a worker, or still
    waiting behind a backlog). The task must make a second run harmless (a claim).

    Each row is taken with a conditional UPDATE that moves its due time on, so of two ticks one
    hands it over; and the longer it has waited, the later it is due again (up to
    HAND_OVER_AGAIN_AT_MOST), so a backlog is not doubled every ORDER_QUEUED_STALLED_SECONDS.
    Returns how many were handed over."""
    stalled_after = timedelta(seconds=settings.ORDER_QUEUED_STALLED_SECONDS)
    lost = waiting.filter(
        Q(**{f"{due_field}__isnull": True}) | Q(**{f"{due_field}__lt": now - stalled_after})
    ).values_list("pk", "created_at", due_field)
    handed = 0
    for pk, created_at, due in lost:
        if due is None:
            due_again = now  # it never reached the broker: due the moment it does
        else:
            waited = min(max(now - created_at, stalled_after), HAND_OVER_AGAIN_AT_MOST)
            due_again = now + waited - stalled_after
        if not waiting.filter(pk=pk, **{due_field: due}).update(**{due_field: due_again}):
            continue  # another tick took it, or it is no longer waiting
        if not queue(task_name, *args_of(pk)):
            # Still out of reach: this and the rest wait for the next round.
            waiting.filter(pk=pk).update(**{due_field: None})
            return handed
        handed += 1
    return handed
