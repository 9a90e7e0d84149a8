"""Catalog syncs and balances run by a real Celery worker (and beat) in other processes, on
this run's broker: files by default, Redis in CI."""

import pytest

from providers.models import CatalogSync, Provider
from tests.processes import wait_for
from tests.processes import worker_env as worker_env_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_env(tmp_path):
    return worker_env_for(tmp_path, CATALOG_DISPATCH_SECONDS=1, BALANCE_REFRESH_SECONDS=2)


def test_sync_now_is_run_by_a_real_worker(
    processes, worker_env, viewer_client, simulator, make_provider
):
    provider = make_provider("smmpllus")
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=worker_env)

    viewer_client.post(f"/providers/{provider.pk}/sync/")

    def finished():
        sync = provider.syncs.filter(trigger=CatalogSync.Trigger.MANUAL).first()
        return sync if sync and not sync.in_progress else None

    sync = wait_for(finished, timeout=60)
    assert sync is not None, processes.logs("worker")
    assert sync.status == CatalogSync.Status.OK, sync.error
    provider.refresh_from_db()
    assert provider.active_services == sync.added > 0
    # The worker was handed an id: the key is in no message and no log line.
    assert simulator.key("smmpllus") not in processes.log("worker")
    assert "run_catalog_sync[" in processes.log("worker")


def test_beat_dispatches_due_syncs_and_balance_reads_to_a_worker(
    processes, worker_env, simulator, make_provider
):
    due = make_provider("smmsheba")  # new providers are due at once
    resting = make_provider("smmbros", enabled=False)
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=worker_env)
    processes.celery("beat", "beat", "--loglevel=INFO", env=worker_env)

    def synced_and_read():
        provider = Provider.objects.get(pk=due.pk)
        return provider if provider.catalog_synced_at and provider.balance is not None else None

    provider = wait_for(synced_and_read, timeout=90)
    assert provider is not None, processes.logs("worker", "beat")
    sync = provider.syncs.get()
    assert (sync.trigger, sync.status) == (CatalogSync.Trigger.SCHEDULE, CatalogSync.Status.OK)
    assert not resting.syncs.exists()
    assert "Sending due task dispatch-catalog-syncs" in processes.log("beat")
    assert simulator.key("smmsheba") not in processes.logs("worker", "beat")
