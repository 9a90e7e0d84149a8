"""Celery tasks: thin callers of rates.services."""

from celery import shared_task

from rates.services import fetch_rates


@shared_task
def fetch_exchange_rates():
    """Beat's schedule (when EXCHANGE_RATES_URL is set): fetch reference rates."""
    fetch_rates()
