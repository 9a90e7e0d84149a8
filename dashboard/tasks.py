"""Celery tasks: the heartbeat beat sends and a worker records."""

from celery import shared_task

from dashboard.health import record_heartbeat


@shared_task(bind=True)
def heartbeat(self):
    record_heartbeat(self.request.hostname or "unknown")
