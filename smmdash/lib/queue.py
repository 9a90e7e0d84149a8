"""Queueing background work by the task's name.

The services that queue work (a sync, an order to send, a poll) are what the task modules
call, so they must not import those modules back: they name the task instead, and Celery
routes it by that name like any other (CELERY_TASK_ROUTES).
"""

from celery import current_app

RUN_CATALOG_SYNC = "providers.tasks.run_catalog_sync"
SUBMIT_ORDER = "orders.tasks.submit_order"
POLL_PROVIDER_ORDERS = "orders.tasks.poll_provider_orders"
DELIVER_ALERT = "alerts.tasks.deliver"


def queue(task_name: str, *args, countdown: int | None = None):
    """Hand a task to the workers; its arguments are ids, never secrets."""
    current_app.send_task(task_name, args=args, countdown=countdown)
