"""Orders sent and tracked by real Celery workers and beat in other processes, on this run's
broker (files by default, Redis in CI) and database (SQLite, or PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection

from orders import services
from orders.models import Order
from orders.tasks import submit_order
from tests.orders.conftest import a_service
from tests.processes import wait_for
from tests.processes import worker_env as worker_env_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.over_http_and_https]


@pytest.fixture
def worker_env(tmp_path):
    return worker_env_for(
        tmp_path,
        PANEL_REQUESTS_PER_SECOND="0",
        ORDER_POLL_DISPATCH_SECONDS=1,
        ORDER_STATUS_MAX_AGE_SECONDS=1,
        # Only the order dispatcher matters here: the others tick rarely.
        CATALOG_DISPATCH_SECONDS=3600,
        BALANCE_REFRESH_SECONDS=3600,
    )


def test_an_order_from_the_form_is_sent_by_a_worker_and_tracked_by_beat(
    processes, worker_env, simulator, synced, buyer_client
):
    provider = synced("smmprovider")
    service = a_service(provider)
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=worker_env)
    processes.celery("beat", "beat", "--loglevel=INFO", env=worker_env)
    token = (
        buyer_client.get(f"/orders/new/?service={service.pk}").context["form"].initial["form_token"]
    )

    buyer_client.post(
        f"/orders/new/?service={service.pk}",
        {"form_token": token, "link": "https://t.me/c", "quantity": service.min},
    )

    placed = wait_for(lambda: Order.objects.filter(status="pending").first(), timeout=60)
    assert placed is not None, processes.logs("worker", "beat")
    simulator.advance(3600)
    done = wait_for(
        lambda: Order.objects.filter(status__in=["completed", "partial"]).first(), timeout=60
    )
    assert done is not None, processes.logs("worker", "beat")
    assert len(simulator.requests("smmprovider", "add")) == 1
    assert "Sending due task dispatch-order-polls" in processes.log("beat")
    assert simulator.key("smmprovider") not in processes.logs("worker", "beat")


def test_two_workers_given_the_task_three_times_send_one_add(
    processes, worker_env, simulator, synced
):
    service = a_service(synced("smmpllus"))
    order, _ = services.create_order(service, link="https://t.me/c", quantity=service.min)
    for _ in range(3):  # delivered again, and again, to whichever worker is free
        submit_order.delay(order.pk)
    for name in ("worker-a", "worker-b"):
        processes.celery(name, "worker", "--pool=solo", f"--hostname={name}@%h", env=worker_env)

    placed = wait_for(lambda: Order.objects.filter(pk=order.pk, status="pending").first(), 60)
    assert placed is not None, processes.logs("worker-a", "worker-b")
    wait_for(lambda: "submit_order" in processes.logs("worker-a", "worker-b"), 10)
    assert len(simulator.requests("smmpllus", "add")) == 1


def test_two_workers_racing_for_one_order_send_one_add(simulator, synced):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link="https://t.me/c", quantity=service.min)
    start = threading.Barrier(4)
    outcomes = []

    def worker():
        start.wait()
        try:
            outcomes.append(services.submit(order.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(outcome is not None for outcome in outcomes) == 1
    assert len(simulator.requests("smmprovider", "add")) == 1
    assert Order.objects.get(pk=order.pk).status == "pending"
