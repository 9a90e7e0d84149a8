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

from celery import current_app
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
