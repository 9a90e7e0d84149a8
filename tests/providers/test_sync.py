"""Catalog sync against the simulated panels over loopback HTTP."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from providers import services
from providers.models import CatalogSync, ManualCall, PriceChange, Provider, Service
from smmdash.lib.queue import broker
from tests.broker import broker_unreachable
from tests.htmx import fragment_body, htmx_headers
from tests.processes import wait_for, worker_env

pytestmark = pytest.mark.django_db


def writes_to(queries, table):
    return [
        query["sql"]
        for query in queries
        if table in query["sql"] and query["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
    ]


def sim_services(simulator, panel):
    return simulator.panel(panel).catalog


@pytest.mark.parametrize("panel", ["smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"])
def test_first_sync_caches_every_service_of_every_dialect(simulator, make_provider, panel):
    provider = make_provider(panel)
    listed = [s for s in sim_services(simulator, panel) if s.active]

    sync = services.sync_catalog(provider)

    assert sync.status == CatalogSync.Status.OK, sync.error
    assert (sync.added, sync.changed, sync.removed, sync.unchanged) == (len(listed), 0, 0, 0)
    cached = {s.service_id: s for s in Service.objects.filter(provider=provider)}
    assert len(cached) == len(listed)
    sample = listed[0]
    stored = cached[str(sample.service_id)]
    assert stored.name == sample.name.strip() and stored.rate == Decimal(str(sample.rate))
    assert isinstance(stored.rate, Decimal)
    assert (stored.min, stored.max) == (sample.min, sample.max)
    # A flag a panel's catalog leaves out is stored as not known (None), not as "no".
    published = {
        "smmsheba": (sample.refill, None),
        "smmbros": (None, None),
        "smmub": (None, None),
    }.get(panel, (sample.refill, sample.cancel))
    assert (stored.refill, stored.cancel) == published
    # The first price of every service starts its history.
    assert PriceChange.objects.filter(service__provider=provider).count() == len(listed)
    provider.refresh_from_db()
    assert provider.active_services == len(listed)
    assert provider.last_sync_ok is True and provider.catalog_synced_at == sync.finished_at
    assert provider.next_sync_at == sync.finished_at + provider.sync_interval


def test_a_re_sync_with_nothing_changed_writes_no_service_rows(simulator, synced):
    provider = synced("smmbros")
    with CaptureQueriesContext(connection) as queries:
        sync = services.sync_catalog(provider)
    assert sync.unchanged == provider.active_services and sync.added == sync.changed == 0
    assert writes_to(queries, "providers_service") == []
    assert writes_to(queries, "providers_pricechange") == []
    # A handful of statements in all: the sync record, the lock, one read, the provider, the
    # call added to the provider's API figures (a locked read, a write, a savepoint), and the
    # answer clearing any "not connecting" mark (one conditional update).
    assert len(queries) <= 16, [query["sql"][:80] for query in queries]
    assert len(writes_to(queries, "providers_apiday")) == 1


def test_changes_removals_and_returns_are_found_and_written_in_bulk(simulator, synced):
    provider = synced("smmsheba")
    panel = simulator.panel("smmsheba")
    repriced, gone, back = panel.catalog[0], panel.catalog[1], panel.catalog[2]
    old_rate = repriced.rate
    panel.set_rate(repriced.service_id, old_rate + Decimal("0.125"))
    panel.withdraw(gone.service_id)
    panel.withdraw(back.service_id)
    last_listed_at = provider.catalog_synced_at
    services.sync_catalog(provider)
    panel.restore(back.service_id)
    panel.catalog[3].name += " [Refill 30D]"

    with CaptureQueriesContext(connection) as queries:
        sync = services.sync_catalog(provider)

    assert (sync.added, sync.changed, sync.reactivated, sync.removed) == (0, 1, 1, 0)
    assert len(writes_to(queries, "providers_service")) <= 2
    stored = Service.objects.get(provider=provider, service_id=str(repriced.service_id))
    assert stored.rate == old_rate + Decimal("0.125") and stored.previous_rate == old_rate
    assert stored.price_changed
    history = list(stored.price_history.order_by("changed_at").values_list("old_rate", "new_rate"))
    assert history == [(None, old_rate), (old_rate, old_rate + Decimal("0.125"))]
    vanished = Service.objects.get(provider=provider, service_id=str(gone.service_id))
    assert not vanished.active
    assert vanished.last_seen == last_listed_at  # the last sync that still listed it
    returned = Service.objects.get(provider=provider, service_id=str(back.service_id))
    assert returned.active
    assert Service.objects.get(pk=stored.pk).provider_id == provider.pk
    provider.refresh_from_db()
    assert (
        provider.active_services == Service.objects.filter(provider=provider, active=True).count()
    )


def test_a_service_that_vanishes_is_counted_once_and_never_deleted(simulator, synced):
    provider = synced("smmpllus")
    panel = simulator.panel("smmpllus")
    panel.withdraw(panel.catalog[5].service_id)
    first = services.sync_catalog(provider)
    second = services.sync_catalog(provider)
    assert (first.removed, second.removed) == (1, 0)
    assert Service.objects.filter(provider=provider).count() == len(panel.catalog)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("unavailable", "503"),
        ("not_json", "not JSON"),
        ("cloudflare", "asking for a browser check"),
        ("invalid_key", "Invalid api key"),
    ],
)
def test_a_failed_fetch_leaves_the_catalog_intact_and_is_recorded(simulator, synced, fault, words):
    provider = synced("smmsheba")
    before = list(Service.objects.filter(provider=provider).values_list("service_id", "active"))
    simulator.inject("smmsheba", fault, action="services", times=3)

    sync = services.sync_catalog(provider)

    assert sync.status == CatalogSync.Status.FAILED
    assert words in sync.error, sync.error
    assert list(Service.objects.filter(provider=provider).values_list("service_id", "active")) == (
        before
    )
    provider.refresh_from_db()
    assert provider.last_sync_ok is False and provider.last_sync_error == sync.error
    assert provider.health == ("bad", "Catalog sync failing")
    # A failed catalog is retried sooner than the usual interval.
    assert provider.next_sync_at <= sync.finished_at + timedelta(minutes=15)


def test_an_empty_catalog_where_there_were_services_is_a_failure(simulator, synced):
    provider = synced("smmbros")
    panel = simulator.panel("smmbros")
    for service in panel.catalog:
        panel.withdraw(service.service_id)

    sync = services.sync_catalog(provider)

    assert sync.status == CatalogSync.Status.FAILED
    assert sync.error == (
        f"The panel says its catalog is empty. The {provider.active_services} cached services "
        "were kept."
    )
    assert Service.objects.filter(provider=provider, active=True).count() == (
        provider.active_services
    )


def withdraw_everything(simulator, panel):
    for service in simulator.panel(panel).catalog:
        simulator.panel(panel).withdraw(service.service_id)


def test_a_catalog_the_panel_says_is_empty_keeps_the_cached_one_with_its_words(
    viewer_client, simulator, synced
):
    # SmartPanel's script answers {"status": "success", "data": "Empty Data"}.
    provider = synced("smartpanel")
    withdraw_everything(simulator, "smartpanel")

    sync = services.sync_catalog(provider)

    assert sync.status == CatalogSync.Status.FAILED
    assert sync.error == (
        "The panel says its catalog is empty: Empty Data. "
        f"The {provider.active_services} cached services were kept."
    )
    assert sync.panel_said == "Empty Data"
    assert Service.objects.filter(provider=provider, active=True).count() == (
        provider.active_services
    )
    body = viewer_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "The panel says its catalog is empty: Empty Data" in body
    assert "unreachable" not in body.lower() and "not a list" not in body


def test_a_first_catalog_the_panel_says_is_empty_is_an_empty_catalog(
    viewer_client, simulator, make_provider
):
    provider = make_provider("smartpanel")
    withdraw_everything(simulator, "smartpanel")

    sync = services.sync_catalog(provider)

    assert sync.status == CatalogSync.Status.OK, sync.error
    assert (sync.fetched, sync.panel_said, sync.error) == (0, "Empty Data", "")
    provider.refresh_from_db()
    assert provider.last_sync_ok and provider.active_services == 0
    body = viewer_client.get(f"/providers/{provider.pk}/").content.decode()
    # On the catalog card, the sync card and the sync log.
    assert body.count("The panel says its catalog is empty: Empty Data") == 3
    assert "No services cached yet" not in body


def test_a_key_that_cannot_be_decrypted_fails_the_sync_clearly(simulator, make_provider, settings):
    from cryptography.fernet import Fernet

    provider = make_provider("smmub")
    settings.PROVIDER_SECRET_KEYS = [Fernet.generate_key().decode()]
    sync = services.sync_catalog(provider)
    assert sync.status == CatalogSync.Status.FAILED
    assert "cannot be decrypted" in sync.error
    assert simulator.requests("smmub") == []


def test_a_held_lock_skips_the_sync_and_an_expired_one_does_not(simulator, make_provider):
    provider = make_provider()
    Provider.objects.filter(pk=provider.pk).update(
        sync_lock_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.sync_catalog(provider).status == CatalogSync.Status.SKIPPED
    assert simulator.requests("smmsheba", "services") == []

    Provider.objects.filter(pk=provider.pk).update(
        sync_lock_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.sync_catalog(provider).status == CatalogSync.Status.OK
    provider.refresh_from_db()
    assert provider.sync_lock_until is None


@pytest.mark.django_db(transaction=True)
def test_two_syncs_of_one_provider_never_run_at_once(simulator, make_provider):
    provider = make_provider("smmprovider")
    simulator.inject("smmprovider", "slow", action="services", seconds=1.5)
    outcomes = []
    first = threading.Thread(target=lambda: outcomes.append(services.sync_catalog(provider)))
    first.start()
    try:
        # Wait until the first sync is fetching, then try a second one.
        for _ in range(100):
            if simulator.requests("smmprovider", "services"):
                break
            threading.Event().wait(0.02)
        second = services.sync_catalog(Provider.objects.get(pk=provider.pk))
    finally:
        first.join()
        connection.close()
    assert second.status == CatalogSync.Status.SKIPPED
    assert outcomes[0].status == CatalogSync.Status.OK
    assert len(simulator.requests("smmprovider", "services")) == 1


def test_a_queued_sync_delivered_twice_runs_once(
    simulator, make_provider, django_capture_on_commit_callbacks
):
    provider = make_provider()
    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.request_sync(provider, CatalogSync.Trigger.MANUAL)
        again = services.request_sync(provider, CatalogSync.Trigger.MANUAL)
    assert again.pk == queued.pk and len(callbacks) == 1  # one queued sync, one task

    assert services.run_queued_sync(queued.pk).status == CatalogSync.Status.OK
    assert services.run_queued_sync(queued.pk) is None
    assert len(simulator.requests("smmsheba", "services")) == 1


def test_a_sync_no_worker_finished_in_time_is_closed_not_waited_on(make_provider):
    provider = make_provider()
    stale = CatalogSync.objects.create(
        provider=provider,
        trigger=CatalogSync.Trigger.MANUAL,
        queued_at=timezone.now() - services.SYNC_LOCK - timedelta(seconds=1),
    )
    fresh = services.request_sync(provider, CatalogSync.Trigger.MANUAL)
    assert fresh.pk != stale.pk
    stale.refresh_from_db()
    assert stale.status == CatalogSync.Status.SKIPPED and "in time" in stale.error


@pytest.mark.django_db(transaction=True)
def test_sync_now_while_the_broker_is_down_says_so_and_runs_once_the_workers_can_be_reached(
    processes, tmp_path, simulator, make_provider, viewer_client
):
    provider = make_provider("smmbros")
    url = f"/providers/{provider.pk}/sync/"
    with broker_unreachable():
        response = viewer_client.post(url, **htmx_headers())
        (sync,) = provider.syncs.all()
        assert (sync.status, sync.waiting_for_workers) == (CatalogSync.Status.QUEUED, True)
        said = fragment_body(response, "sync-status")
        assert "The background workers cannot be reached right now" in said
        # The page watching it keeps saying so, and the dispatcher cannot hand it over yet.
        watching = viewer_client.get(f"/providers/{provider.pk}/?watching=1", **htmx_headers())
        assert "cannot be reached right now" in watching.text
        broker.forget()
        services.dispatch_due_syncs()
        assert CatalogSync.objects.get(pk=sync.pk).waiting_for_workers

        # Without htmx, the message says it too.
        CatalogSync.objects.filter(pk=sync.pk).update(status=CatalogSync.Status.SKIPPED)
        ManualCall.objects.all().delete()
        page = viewer_client.post(url, follow=True)
        assert "The background workers cannot be reached right now" in page.text
        (sync, _skipped) = provider.syncs.all()

    # The broker is back: the dispatcher's next tick hands it to a worker, which runs it.
    env = worker_env(tmp_path, CATALOG_DISPATCH_SECONDS=3600)
    services.dispatch_due_syncs()
    assert not CatalogSync.objects.get(pk=sync.pk).waiting_for_workers
    processes.celery("worker", "worker", "--pool=solo", "--queues=catalogs", env=env)
    ran = wait_for(lambda: CatalogSync.objects.get(pk=sync.pk).status == "ok", 60)
    assert ran, processes.log("worker")
    assert len(simulator.requests("smmbros", "services")) == 1
