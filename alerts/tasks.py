"""Celery tasks: thin callers of alerts.services. They take ids, never channel URLs."""

from celery import shared_task

from alerts import services


@shared_task
def evaluate_alerts():
    """Beat's tick: top-ups, every rule, and the messages that follow."""
    services.evaluate()


@shared_task
def deliver(delivery_id):
    services.deliver(delivery_id)
