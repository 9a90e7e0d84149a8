"""The schedule: which providers the dispatcher queues, and when."""

from datetime import timedelta

import pytest
from django.utils import timezone

from providers import services, tasks
from providers.models import CatalogSync, Provider

pytestmark = pytest.mark.django_db


def test_the_dispatcher_queues_due_enabled_providers_only(make_provider):
    never_synced = make_provider("smmsheba")  # due at once
    overdue = make_provider("smmbros")
    later = make_provider("smmpllus")
    disabled = make_provider("smmprovider", enabled=False)
    now = timezone.now()
    Provider.objects.filter(pk=overdue.pk).update(next_sync_at=now - timedelta(minutes=1))
    Provider.objects.filter(pk=later.pk).update(next_sync_at=now + timedelta(minutes=1))
    Provider.objects.filter(pk=disabled.pk).update(next_sync_at=now - timedelta(days=1))

    queued = services.dispatch_due_syncs(now)

    assert {sync.provider_id for sync in queued} == {never_synced.pk, overdue.pk}
    assert {sync.trigger for sync in queued} == {CatalogSync.Trigger.SCHEDULE}
    overdue.refresh_from_db()
    assert overdue.next_sync_at == now + overdue.sync_interval


def test_a_due_provider_is_queued_once_however_often_the_dispatcher_ticks(make_provider):
    provider = make_provider()
    now = timezone.now()
    assert len(services.dispatch_due_syncs(now)) == 1
    assert services.dispatch_due_syncs(now) == []
    assert services.dispatch_due_syncs(now + timedelta(minutes=5)) == []
    assert CatalogSync.objects.filter(provider=provider).count() == 1

    # Its interval later it is due again; the first sync never ran, so that one is reused.
    again = services.dispatch_due_syncs(now + provider.sync_interval)
    assert [sync.pk for sync in again] == list(provider.syncs.values_list("pk", flat=True))


def test_saving_a_provider_reschedules_it_from_its_last_sync(synced):
    provider = synced("smmbros")
    provider.sync_interval_minutes = 60
    services.save_provider(provider)
    assert provider.next_sync_at == provider.catalog_synced_at + timedelta(minutes=60)


def test_the_balance_task_reads_enabled_providers_by_id(simulator, make_provider):
    enabled = make_provider("smmsheba")
    disabled = make_provider("smmbros", enabled=False)
    tasks.refresh_balance(enabled.pk)
    tasks.refresh_balance(disabled.pk)
    tasks.refresh_balance(999_999)  # deleted since it was queued
    assert [r.action for r in simulator.requests()] == ["balance"]
    enabled.refresh_from_db()
    assert enabled.balance is not None


def test_the_balance_task_records_a_failure_without_raising(simulator, make_provider):
    provider = make_provider("smmsheba")
    simulator.inject("smmsheba", "invalid_key", action="balance")
    tasks.refresh_balance(provider.pk)
    provider.refresh_from_db()
    assert provider.balance_error == "Invalid api key"
