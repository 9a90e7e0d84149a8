"""A real worker on a real Redis that restarts while the worker holds messages."""

import os
import signal
import time

import pytest
from django.conf import settings

from orders.models import Order
from orders.services import POLL_TIME_LIMIT, SUBMIT_TIME_LIMIT
from orders.services.placing import RETRY_DELAY
from providers.services import SYNC_TIME_LIMIT
from smmdash.celery import app
from tests.dashboard.test_settings import run_manage
from tests.orders.conftest import a_service, adds
from tests.processes import wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

COUNTDOWN = 20  # seconds: a retry's wait, long enough for Redis to restart meanwhile


def send_later(redis_server, order):
    """Queue the order's send with a countdown, as a retry is, on the test's Redis."""
    with app.connection_for_write(redis_server.url) as connection:
        app.send_task(
            "orders.tasks.submit_order",
            args=(order.pk,),
            countdown=COUNTDOWN,
            connection=connection,
        )


def restart_under(worker, redis_server):
    """Redis goes away and comes back (on its append-only file) while `worker` holds a message
    it waits to run: paused meanwhile, so that it sees the broken connections when Redis is
    already gone, the pub/sub one first (the order in which kombu 5.7 used to kill it)."""
    os.kill(worker.pid, signal.SIGSTOP)
    try:
        redis_server.cli("client", "kill", "type", "pubsub")
        redis_server.stop()
    finally:
        os.kill(worker.pid, signal.SIGCONT)
    time.sleep(2)  # it finds Redis gone, and tries again
    redis_server.start()


def test_a_worker_holding_a_retry_carries_on_through_redis_restarts_and_sends_it_in_time(
    processes, tmp_path, simulator, synced, redis_server
):
    service = a_service(synced("smmprovider"))
    env = worker_env(tmp_path, CELERY_BROKER_URL=redis_server.url, PANEL_REQUESTS_PER_SECOND="0")
    worker = processes.celery(
        "worker", "worker", "--concurrency=2", "--queues=orders", "--loglevel=INFO", env=env
    )
    wait_for(lambda: "ready." in processes.log("worker"), timeout=60)

    for attempt in range(2):
        link = f"https://t.me/restart{attempt}"
        order = Order.of_service(service, link=link, quantity=service.min)
        order.save()
        send_later(redis_server, order)
        held = wait_for(lambda: redis_server.cli("hlen", "unacked") == "1", timeout=30)
        assert held, processes.log("worker")

        restart_under(worker, redis_server)

        sent = wait_for(
            lambda o=order: Order.objects.filter(pk=o.pk, status="pending").exists(), timeout=60
        )
        assert worker.poll() is None, processes.log("worker")
        assert sent, f"the retry was not given back\n{processes.log('worker')}"
    assert len(adds(simulator, "smmprovider")) == 2
    assert "Messages held when the broker went away, given back: 1" in processes.log("worker")


def test_redis_gives_a_message_to_another_worker_only_after_the_longest_a_live_one_holds_it():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT, s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], "
        "s.CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS)",
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    transport, visibility_timeout, cancel_on_connection_loss = result.stdout.split()[-3:]
    assert transport == "smmdash.lib.redis_broker:Transport"
    # Waiting for a slot behind the longest task, then a retry's countdown, then a send,
    # which is acknowledged when it ends.
    longest_task = max(SYNC_TIME_LIMIT, POLL_TIME_LIMIT, SUBMIT_TIME_LIMIT)
    longest_hold = longest_task + RETRY_DELAY + SUBMIT_TIME_LIMIT
    assert int(visibility_timeout) > longest_hold
    # A send cut off mid-flight would leave its order needing checking.
    assert cancel_on_connection_loss == "False"
    assert settings.CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS is False
