"""Is smmdash healthy? The database, the broker, and the background machinery.

Three readers: the dashboard's Background work card, the Background work page (with the
banner every page shows when work waits and nothing takes it), and /health/ for monitors.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard.models import WorkerHeartbeat
from orders.models import Order, ProviderPolling
from providers.models import CatalogSync, Provider
from smmdash.celery import app as celery_app

# Work queued longer than this was not taken by any worker: the queue it is on has none.
# Longer than any countdown smmdash queues with (30 s between send attempts).
WAITING_TOO_LONG = timedelta(minutes=2)


def record_heartbeat(hostname):
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"last_seen": timezone.now()}
    )


@dataclass(frozen=True)
class WorkerStatus:
    alive: list[WorkerHeartbeat]
    stale: list[WorkerHeartbeat]
    stale_after_seconds: int

    @property
    def running(self):
        return bool(self.alive)

    starting: bool = False  # no worker yet, but this process only just started

    @property
    def never_seen(self):
        return not self.alive and not self.stale

    @property
    def last_seen(self):
        beats = self.alive or self.stale
        return beats[0].last_seen if beats else None


def worker_status():
    # Three missed beats before a worker counts as gone: one late beat is noise.
    stale_after_seconds = 3 * settings.WORKER_HEARTBEAT_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    heartbeats = list(WorkerHeartbeat.objects.all()[:20])
    # Started together (bin/dev, the demo), the worker reports in a beat or so after the
    # dashboard answers: until its first heartbeat is due, say "starting", not "not running".
    just_started = time.monotonic() - _PROCESS_STARTED < stale_after_seconds + 30
    return WorkerStatus(
        alive=[beat for beat in heartbeats if beat.last_seen >= cutoff],
        stale=[beat for beat in heartbeats if beat.last_seen < cutoff],
        stale_after_seconds=stale_after_seconds,
        starting=not heartbeats and just_started,
    )


_PROCESS_STARTED = time.monotonic()


@dataclass(frozen=True)
class Waiting:
    """Work of one kind handed to the workers and not yet taken."""

    kind: str  # "order" or "catalog sync"
    queue: str
    count: int
    oldest: datetime | None

    @property
    def what(self):
        if self.kind == "order":
            return _("orders waiting to be sent")
        return _("catalog syncs waiting to start")

    @property
    def summary(self):
        if self.kind == "order":
            text = ngettext(
                "{count} order waiting to be sent", "{count} orders waiting to be sent", self.count
            )
        else:
            text = ngettext(
                "{count} catalog sync waiting to start",
                "{count} catalog syncs waiting to start",
                self.count,
            )
        return text.format(count=self.count)

    @property
    def stuck(self):
        return self.count and self.oldest < timezone.now() - WAITING_TOO_LONG


@dataclass(frozen=True)
class Background:
    worker: WorkerStatus
    waiting: list[Waiting]
    last_sync_at: datetime | None
    last_poll_at: datetime | None
    last_balance_at: datetime | None

    @property
    def stuck(self) -> list[Waiting]:
        return [waiting for waiting in self.waiting if waiting.stuck]

    @property
    def needs_attention(self):
        """Work waits and nothing takes it: the case staff must hear about on every page."""
        return bool(self.stuck) or (not self.worker.running and any(w.count for w in self.waiting))


def background() -> Background:
    orders = Order.objects.filter(status=Order.Status.QUEUED).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    syncs = CatalogSync.objects.filter(status=CatalogSync.Status.QUEUED).aggregate(
        count=Count("pk"), oldest=Min("queued_at")
    )
    last = Provider.objects.aggregate(sync=Max("last_sync_at"), balance=Max("balance_checked_at"))
    last["poll"] = ProviderPolling.objects.aggregate(poll=Max("last_poll_at"))["poll"]
    return Background(
        worker=worker_status(),
        waiting=[
            Waiting("order", "orders", orders["count"], orders["oldest"]),
            Waiting("catalog sync", "catalogs", syncs["count"], syncs["oldest"]),
        ],
        last_sync_at=last["sync"],
        last_poll_at=last["poll"],
        last_balance_at=last["balance"],
    )


def check_database() -> str:
    """What went wrong reaching the database, or an empty string when it answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return ""


def check_broker() -> str:
    """What went wrong reaching the Celery broker, or an empty string when it answers."""
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return ""
