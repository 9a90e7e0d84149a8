"""Celery tasks: thin callers of providers.services. They take ids, never keys."""

import contextlib
import logging

from celery import shared_task

from providers import services
from providers.models import Provider

log = logging.getLogger("smmdash.providers")


@shared_task(time_limit=services.SYNC_TIME_LIMIT, soft_time_limit=services.SYNC_TIME_LIMIT - 30)
def run_catalog_sync(sync_id):
    services.run_queued_sync(sync_id)


@shared_task
def dispatch_catalog_syncs():
    """Beat's tick: queue a sync for every provider whose catalog is due."""
    services.dispatch_due_syncs()


@shared_task
def refresh_balances():
    """Beat's tick: one task per enabled provider, so a slow panel holds up no other."""
    for provider_id in Provider.objects.filter(enabled=True).values_list("pk", flat=True):
        refresh_balance.delay(provider_id)


@shared_task
def refresh_balance(provider_id):
    provider = Provider.objects.filter(pk=provider_id, enabled=True).first()
    if provider is None:
        return
    # A failure is recorded on the provider and logged; the next tick tries again.
    with contextlib.suppress(services.ProviderProblem):
        services.refresh_balance(provider)
