"""Catalog sync: bring a provider's cached services up to date with its panel, in bulk.

A sync is recorded from the moment it is asked for (a CatalogSync row), so pages can show it
queued, running and finished. One provider is synced by one process at a time: a lock on the
provider row, taken with a conditional UPDATE, that expires on its own after SYNC_LOCK in case
the worker holding it dies.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from panel import PanelClientError
from providers.models import CatalogSync, ManualCall, Provider
from providers.services.accounts import ProviderProblem, open_client
from providers.services.diff import apply_catalog
from providers.services.manual_calls import claim_manual_call
from smmdash.lib.leases import lease
from smmdash.lib.queue import RUN_CATALOG_SYNC, queue

log = logging.getLogger("smmdash.providers")

SYNC_TIME_LIMIT = 300  # seconds a sync task may run (the task's hard time limit)
SYNC_LOCK = timedelta(seconds=SYNC_TIME_LIMIT + 60)  # outlives any sync that is still running
RETRY_FAILED_AFTER = timedelta(minutes=15)

Status = CatalogSync.Status


def request_sync(provider: Provider, trigger: str, user=None) -> CatalogSync:
    """Queue a sync for a worker, unless one is already queued or running; returns that sync.

    A sync asked for by hand (Sync now) within a minute of the last one raises TooSoon.
    """
    pending = _pending(provider)
    if pending is not None:
        return pending
    if trigger == CatalogSync.Trigger.MANUAL:
        claim_manual_call(provider, ManualCall.Kind.SYNC)
    sync = CatalogSync.objects.create(provider=provider, trigger=trigger, requested_by=user)
    transaction.on_commit(partial(_hand_over, sync), robust=True)
    return sync


def _hand_over(sync: CatalogSync):
    """Give a queued sync to the workers; when the broker cannot take it, mark it as waiting
    for them, for the page that asked and for the dispatcher, which hands it over later."""
    if not queue(RUN_CATALOG_SYNC, sync.pk):
        CatalogSync.objects.filter(pk=sync.pk, status=Status.QUEUED).update(
            waiting_for_workers=True
        )
        sync.waiting_for_workers = True


def _hand_over_waiting(now) -> int:
    """Queue the syncs that were asked for while the broker could not be reached (and are not
    given up as too old); returns how many the broker took."""
    waiting = CatalogSync.objects.filter(
        status=Status.QUEUED, waiting_for_workers=True, queued_at__gte=now - SYNC_LOCK
    )
    handed = 0
    for sync_id in waiting.values_list("pk", flat=True):
        # Of two dispatchers, the one whose UPDATE takes it queues it.
        taken = CatalogSync.objects.filter(pk=sync_id, status=Status.QUEUED)
        if not taken.filter(waiting_for_workers=True).update(waiting_for_workers=False):
            continue
        if not queue(RUN_CATALOG_SYNC, sync_id):
            taken.update(waiting_for_workers=True)  # still out of reach: the next tick
            break
        handed += 1
    return handed


def _pending(provider: Provider) -> CatalogSync | None:
    recent = timezone.now() - SYNC_LOCK
    pending = provider.syncs.filter(status__in=[Status.QUEUED, Status.RUNNING])
    # Rows no worker finished in time (the worker died, or never ran) are closed, not waited on.
    pending.filter(queued_at__lt=recent).update(
        status=Status.SKIPPED,
        finished_at=timezone.now(),
        phase="",
        error="No worker finished this sync in time.",
    )
    return pending.filter(queued_at__gte=recent).first()


def run_queued_sync(sync_id: int) -> CatalogSync | None:
    """Run a queued sync (the Celery task's body). A sync delivered twice runs once."""
    claimed = CatalogSync.objects.filter(pk=sync_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), phase="Starting"
    )
    if not claimed:
        return None
    return _run(CatalogSync.objects.select_related("provider").get(pk=sync_id))


def sync_catalog(provider: Provider, trigger: str = CatalogSync.Trigger.COMMAND, user=None):
    """Sync `provider`'s catalog now, in this process, and return the finished CatalogSync."""
    sync = CatalogSync.objects.create(
        provider=provider,
        trigger=trigger,
        requested_by=user,
        status=Status.RUNNING,
        started_at=timezone.now(),
        phase="Starting",
    )
    return _run(sync)


def dispatch_due_syncs(now=None) -> list[CatalogSync]:
    """Queue a sync for every enabled provider whose catalog is due (run by beat's tick), and
    hand to the workers the syncs that were queued while they could not be reached."""
    now = now or timezone.now()
    _hand_over_waiting(now)
    due = Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now)
    queued = []
    for provider in Provider.objects.filter(due, enabled=True):
        # Two dispatchers may see the same provider due; the one whose UPDATE moves its next
        # sync on is the one that queues it.
        claimed = Provider.objects.filter(due, pk=provider.pk).update(
            next_sync_at=now + provider.sync_interval
        )
        if claimed:
            queued.append(request_sync(provider, CatalogSync.Trigger.SCHEDULE))
    return queued


# The run itself ------------------------------------------------------------------------------


def _run(sync: CatalogSync) -> CatalogSync:
    provider = sync.provider
    with lease(Provider.objects.filter(pk=provider.pk), "sync_lock_until", SYNC_LOCK) as held:
        if not held:
            return _finish(sync, Status.SKIPPED, error="Another sync of this provider was running.")
        try:
            return _fetch_and_apply(sync, provider)
        except Exception:
            error = "smmdash failed while saving the catalog (see the log)."
            _finish(sync, Status.FAILED, error=error)
            raise


def _fetch_and_apply(sync: CatalogSync, provider: Provider) -> CatalogSync:
    _set_phase(sync, "Fetching the catalog from the panel")
    try:
        with open_client(provider) as client:
            fetched = client.services()
    except (PanelClientError, ProviderProblem) as problem:
        return _failed(sync, provider, str(problem))

    sync.panel_said = fetched.said or ""
    cached = provider.services.filter(active=True).count()
    if not fetched and cached:
        # A panel's empty catalog is more often a fault at its end than a shop closed down.
        said = f": {sync.panel_said}" if sync.panel_said else ""
        return _failed(
            sync,
            provider,
            f"The panel says its catalog is empty{said}. The {cached} cached services were kept.",
        )

    _set_phase(sync, f"Saving {len(fetched)} services")
    now = timezone.now()
    with transaction.atomic():
        counts = apply_catalog(provider, fetched, now)
        for name, value in counts.items():
            setattr(sync, name, value)
        sync.fetched = len(fetched)
        _finish(sync, Status.OK)
        provider.last_sync_at = provider.catalog_synced_at = sync.finished_at
        provider.first_synced_at = provider.first_synced_at or sync.finished_at
        provider.last_sync_ok = True
        provider.last_sync_error = ""
        provider.active_services = counts["active"]
        provider.next_sync_at = sync.finished_at + provider.sync_interval
        provider.save(update_fields=[*_SYNC_FIELDS, "catalog_synced_at", "first_synced_at"])
    log.info(
        "Synced %s: %s added, %s changed, %s reactivated, %s removed, %s unchanged",
        provider,
        sync.added,
        sync.changed,
        sync.reactivated,
        sync.removed,
        sync.unchanged,
    )
    return sync


_SYNC_FIELDS = [
    "last_sync_at",
    "last_sync_ok",
    "last_sync_error",
    "active_services",
    "next_sync_at",
]


def _failed(sync: CatalogSync, provider: Provider, error: str) -> CatalogSync:
    """Record a failure on the sync and the provider; the cached catalog is left as it was."""
    _finish(sync, Status.FAILED, error=error)
    provider.last_sync_at = sync.finished_at
    provider.last_sync_ok = False
    provider.last_sync_error = error
    provider.next_sync_at = sync.finished_at + min(provider.sync_interval, RETRY_FAILED_AFTER)
    provider.save(update_fields=[name for name in _SYNC_FIELDS if name != "active_services"])
    log.warning("Catalog sync of %s (id %s) failed: %s", provider, provider.pk, error)
    return sync


def _set_phase(sync: CatalogSync, phase: str):
    sync.phase = phase
    sync.save(update_fields=["phase"])


def _finish(sync: CatalogSync, status: str, error: str = "") -> CatalogSync:
    sync.status = status
    sync.error = error
    sync.phase = ""
    sync.finished_at = timezone.now()
    sync.save()
    return sync
