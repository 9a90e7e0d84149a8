"""Is the background machinery (Celery beat and workers) alive?"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dashboard.models import WorkerHeartbeat


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

    @property
    def never_seen(self):
        return not self.alive and not self.stale


def worker_status():
    # Three missed beats before a worker counts as gone: one late beat is noise.
    stale_after_seconds = 3 * settings.WORKER_HEARTBEAT_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    heartbeats = list(WorkerHeartbeat.objects.all()[:20])
    return WorkerStatus(
        alive=[beat for beat in heartbeats if beat.last_seen >= cutoff],
        stale=[beat for beat in heartbeats if beat.last_seen < cutoff],
        stale_after_seconds=stale_after_seconds,
    )
