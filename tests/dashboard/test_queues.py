"""Work is split over queues, so workers on other machines can each take a part of it."""

import time

import pytest
from django.db import transaction

from orders import services as orders
from orders.models import Order
from providers.models import CatalogSync
from providers.services import request_sync
from tests.orders.conftest import a_service
from tests.processes import wait_for
from tests.processes import worker_env as worker_env_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_takes_only_its_queues_and_a_second_one_takes_the_rest(
    processes, tmp_path, simulator, synced
):
    env = worker_env_for(tmp_path)
    provider = synced("smmprovider")
    service = a_service(provider)
    with transaction.atomic():
        order, _ = orders.create_order(service, link="https://t.me/c", quantity=service.min)
        sync = request_sync(provider, CatalogSync.Trigger.MANUAL)

    orders_worker = ["worker", "--pool=solo", "--queues=orders", "--hostname=orders@%h"]
    processes.celery("orders-worker", *orders_worker, env=env)
    sent = wait_for(lambda: Order.objects.filter(pk=order.pk, status="pending").exists(), 60)
    assert sent, processes.logs("orders-worker")
    time.sleep(2)  # time enough for it to take the sync, were it going to
    assert CatalogSync.objects.get(pk=sync.pk).status == CatalogSync.Status.QUEUED

    catalogs_worker = ["worker", "--pool=solo", "--queues=catalogs", "--hostname=catalogs@%h"]
    processes.celery("catalogs-worker", *catalogs_worker, env=env)
    done = wait_for(lambda: CatalogSync.objects.get(pk=sync.pk).status == "ok", 60)
    assert done, processes.logs("orders-worker", "catalogs-worker")
    assert "run_catalog_sync" not in processes.log("orders-worker")
    assert "submit_order" not in processes.log("catalogs-worker")
