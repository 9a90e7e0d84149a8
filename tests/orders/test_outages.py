"""Orders through a broker or database that goes away: nothing duplicated, nothing lost, and
everything settled soon after they are back. Real Celery workers and beat where the work is
theirs, real broker and database failures (a port nothing listens on, a database lock held
from another connection)."""

import logging
import signal
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from compare.routing import Product, plan
from orders import services
from orders.models import Order, ProviderPolling
from orders.services import tracking
from smmdash.celery import app
from smmdash.lib.queue import broker
from tests.broker import broker_unreachable
from tests.market import GROUP
from tests.orders.conftest import a_service, adds
from tests.processes import database_url_of_this_run, wait_for, worker_env

S = Order.Status
LINK = "https://instagram.com/p/outage"


@contextmanager
def database_locked(order):
    """A transaction on another connection that holds what writing `order` needs: SQLite's
    write lock, or the order's row on PostgreSQL."""
    with transaction.atomic():  # BEGIN IMMEDIATE on SQLite: the database's write lock
        list(Order.objects.select_for_update().filter(pk=order.pk))
        yield


def wait_briefly_for_locks():
    """This connection gives up on a lock after 0.2 s instead of waiting for it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 200")
        else:
            cursor.execute("SET lock_timeout = '200ms'")


def quick_worker_env(tmp_path, **overrides):
    return worker_env(
        tmp_path,
        PANEL_REQUESTS_PER_SECOND="0",
        ORDER_RECOVERY_SECONDS=1,
        # Only order recovery matters here: the other dispatchers tick rarely.
        ORDER_POLL_DISPATCH_SECONDS=3600,
        CATALOG_DISPATCH_SECONDS=3600,
        BALANCE_REFRESH_SECONDS=3600,
        **overrides,
    )


# The broker is down ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_order_placed_while_the_broker_is_down_is_recorded_once_and_sent_once_it_is_back(
    processes, tmp_path, simulator, synced, buyer_client
):
    service = a_service(synced("smmprovider"))
    form = f"/orders/new/?service={service.pk}"
    token = buyer_client.get(form).context["form"].initial["form_token"]

    with broker_unreachable():
        response = buyer_client.post(
            form, {"form_token": token, "link": LINK, "quantity": service.min}, follow=True
        )

    (order,) = Order.objects.all()
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    page = response.content.decode()
    assert f"Order #{order.pk} is recorded and queued." in page
    assert "it will be sent as soon as the background workers can be reached" in page
    assert (order.status, order.send_task_due_at) == (S.QUEUED, None)
    assert adds(simulator, "smmprovider") == []

    # The broker is back: beat's next recovery tick hands the order to a worker.
    env = quick_worker_env(tmp_path)
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=env)
    processes.celery("beat", "beat", "--loglevel=INFO", env=env)
    placed = wait_for(lambda: Order.objects.filter(pk=order.pk, status=S.PENDING).first(), 60)
    assert placed is not None, processes.logs("worker", "beat")
    ticks = processes.log("beat").count("recover-orders")
    assert wait_for(lambda: processes.log("beat").count("recover-orders") >= ticks + 2, 10)
    assert len(adds(simulator, "smmprovider")) == 1
    assert Order.objects.count() == 1
    assert "background workers can be reached" not in buyer_client.get(f"/orders/{order.pk}/").text


@pytest.mark.django_db(transaction=True)
def test_a_mass_order_while_the_broker_is_down_records_every_line_and_asks_the_broker_once(
    simulator, synced, buyer_client, caplog
):
    provider = synced("smmpllus")
    service = a_service(provider)
    lines = "\n".join(f"{service.service_id} | {LINK}{n} | {service.min}" for n in range(5))
    token = buyer_client.get("/orders/mass/").context["form"].initial["form_token"]

    with broker_unreachable():
        response = buyer_client.post(
            "/orders/mass/", {"provider": provider.pk, "lines": lines, "form_token": token}
        )

    assert response.status_code == 200
    assert "will be sent as soon as the workers can be reached" in response.text
    assert Order.objects.filter(status=S.QUEUED, send_task_due_at=None).count() == 5
    refused = [r for r in caplog.records if r.getMessage().startswith("The broker could not")]
    assert len(refused) == 1  # not once a line: the first failure is believed for a moment


@pytest.mark.django_db(transaction=True)
def test_buy_and_failover_while_the_broker_is_down_leave_the_orders_to_the_dispatcher(
    market, simulator, buyer_client
):
    first = plan(Product.from_words(GROUP), 1000).choices[0]
    refusal = '{"error": "Not enough funds on balance"}'
    simulator.inject(first.offer.provider.name, "canned", action="add", body=refusal)
    form = {"product": GROUP, "link": LINK, "quantity": 1000, "form_token": "t1"}

    with broker_unreachable():
        page = buyer_client.post("/orders/buy/", form, follow=True)
        (order,) = Order.objects.all()
        assert page.status_code == 200 and f"Order #{order.pk} is recorded and queued." in page.text
        broker.forget()
        refused = services.submit(order.pk)  # a worker's send: the panel refuses, it moves on

    moved = Order.objects.get(previous_attempt=refused)
    assert refused.status == S.REJECTED
    assert (moved.status, moved.send_task_due_at) == (S.QUEUED, None)
    assert services.recover_stalled() == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_leaves_orders_queued_while_the_broker_is_down_and_hands_them_over_after(
    synced,
):
    service = a_service(synced("smmpllus"))
    with broker_unreachable():
        for n in range(3):
            services.create_order(service, link=f"{LINK}{n}", quantity=service.min)
        assert Order.objects.filter(send_task_due_at=None).count() == 3
        broker.forget()  # the dispatcher's tick comes later

        assert services.recover_stalled() == (0, 0)
        assert Order.objects.filter(send_task_due_at=None).count() == 3

    assert services.recover_stalled() == (0, 3)
    assert not Order.objects.filter(send_task_due_at=None).exists()


# The thresholds ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_recovery_waits_for_the_configured_thresholds_not_minutes(synced, settings):
    service = a_service(synced("smmpllus"))
    now = timezone.now()

    def order(**fields):
        made, _ = services.create_order(service, link=LINK, quantity=service.min)
        Order.objects.filter(pk=made.pk).update(**fields)
        return made

    lost = order(send_task_due_at=now - timedelta(seconds=31))
    waiting = order(send_task_due_at=now - timedelta(seconds=20))
    retried_later = order(send_task_due_at=now + timedelta(seconds=60))  # a panel said wait
    # A send's worker may live until its task's time limit (120 s), and then some.
    dead = order(status=S.SUBMITTING, submitted_at=now - timedelta(seconds=181))
    sending = order(status=S.SUBMITTING, submitted_at=now - timedelta(seconds=170))

    assert (settings.ORDER_QUEUED_STALLED_SECONDS, settings.ORDER_SENDING_STALLED_SECONDS) == (
        30,
        180,
    )
    assert services.recover_stalled(now) == (1, 1)
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == S.UNKNOWN and statuses[sending.pk] == S.SUBMITTING
    due = dict(Order.objects.values_list("pk", "send_task_due_at"))
    assert due[lost.pk] == now  # handed over again
    assert due[waiting.pk] < now < due[retried_later.pk]  # left to the task that holds them

    settings.ORDER_QUEUED_STALLED_SECONDS = 600
    settings.ORDER_SENDING_STALLED_SECONDS = 600
    later = now + timedelta(seconds=120)
    assert services.recover_stalled(later) == (0, 0)


@pytest.mark.django_db
def test_orders_waiting_behind_a_backlog_are_handed_over_again_ever_more_rarely(synced):
    service = a_service(synced("smmpllus"))
    start = timezone.now()
    for n in range(3):  # their tasks are in the broker, behind a backlog no worker gets through
        services.create_order(service, link=f"{LINK}{n}", quantity=service.min)

    handed = [services.recover_stalled(start + timedelta(seconds=s))[1] for s in range(10, 301, 10)]

    assert handed[:4] == [0, 0, 0, 3]  # first, soon after its task was due (30 s)
    # Then after as long again as each has waited: in five minutes, 3 times, not 7.
    assert sum(handed) == 3 * 3, handed
    app.control.purge()


# The database is down --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_send_task_that_meets_a_database_error_at_the_claim_tries_again(
    processes, tmp_path, simulator, synced
):
    service = a_service(synced("smmpllus"))
    env = quick_worker_env(tmp_path)
    if connection.vendor == "postgresql":  # SQLite gives up on its lock after 10 s of its own
        env["DATABASE_URL"] = database_url_of_this_run() + "?options=-c%20lock_timeout%3D1000"
    order, _ = services.create_order(service, link=LINK, quantity=service.min)

    with database_locked(order):
        processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=env)
        retried = wait_for(lambda: "retry: Retry in" in processes.log("worker"), 60)
        assert retried, processes.log("worker")

    placed = wait_for(lambda: Order.objects.filter(pk=order.pk, status=S.PENDING).first(), 60)
    assert placed is not None, processes.log("worker")
    assert "ClaimFailed" in processes.log("worker")
    assert len(adds(simulator, "smmpllus")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_panels_id_is_kept_when_the_database_fails_right_after_the_panel_answered(
    simulator, synced, caplog
):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link=LINK, quantity=service.min)
    simulator.inject("smmprovider", "slow", action="add", seconds=2.5)
    caplog.set_level(logging.INFO)
    outcome = []

    def worker():
        wait_briefly_for_locks()
        try:
            outcome.append(services.submit(order.pk))
        except Exception as failure:
            outcome.append(failure)
        finally:
            connection.close()

    sending = threading.Thread(target=worker)
    sending.start()
    assert wait_for(lambda: adds(simulator, "smmprovider"), 10)
    # The panel has the order and is about to answer: the database fails until after it has.
    with database_locked(order):
        time.sleep(4)
    sending.join(timeout=60)

    (panel_id,) = simulator.panel("smmprovider").ledger.orders
    (placed,) = outcome
    assert isinstance(placed, Order), placed
    assert (placed.status, placed.provider_order_id) == (S.PENDING, str(panel_id))
    assert placed.events.filter(message__contains=f"order id is {panel_id}").count() == 1
    assert len(adds(simulator, "smmprovider")) == 1
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and "placed" in r.msg]
    assert warned, [r.getMessage() for r in caplog.records]
    said = warned[0].getMessage()
    assert str(panel_id) in said and f"Order {order.pk} " in said
    key = simulator.key("smmprovider")
    assert not [r for r in caplog.records if key in r.getMessage()]


# Polls -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_poll_orders_exits_zero_when_another_poll_is_doing_the_work(synced, place, capsys):
    provider = synced("smmpllus")
    place(a_service(provider))
    lease_until = timezone.now() + timedelta(minutes=1)
    ProviderPolling.objects.create(provider=provider, lock_until=lease_until)

    call_command("poll_orders")  # a CommandError is exit status 1

    out = capsys.readouterr().out
    assert "smmpllus: skipped, another status check of this provider is running" in out


@pytest.mark.django_db(transaction=True)
def test_a_poll_that_dies_frees_its_provider_within_a_minute(
    processes, tmp_path, simulator, synced, open_orders
):
    provider = synced("smmprovider")
    open_orders(provider, "smmprovider", 3)
    simulator.inject("smmprovider", "slow", action="status", seconds=30)
    poll = processes.start(
        "poll",
        [sys.executable, "manage.py", "poll_orders", "--provider", provider.name],
        quick_worker_env(tmp_path),
    )
    assert wait_for(lambda: simulator.requests("smmprovider", "status"), 30), processes.log("poll")

    poll.send_signal(signal.SIGKILL)  # mid-poll, as a machine or its database going away
    poll.wait()

    held_until = ProviderPolling.objects.get(provider=provider).lock_until
    assert held_until is not None
    assert held_until - timezone.now() <= timedelta(seconds=60)
    assert services.dispatch_polls(held_until + timedelta(seconds=1)) == [provider.pk]


@pytest.mark.django_db(transaction=True)
def test_a_poll_longer_than_its_lease_keeps_it_renewed(simulator, synced, place, monkeypatch):
    provider = synced("smmpllus")
    place(a_service(provider))
    Order.objects.update(status_checked_at=None)
    monkeypatch.setattr(tracking, "POLL_LEASE", timedelta(seconds=2))
    simulator.inject("smmpllus", "slow", action="status", seconds=5)
    first = []

    def poll():
        try:
            first.append(services.poll_provider(provider))
        finally:
            connection.close()

    polling = threading.Thread(target=poll)
    polling.start()
    assert wait_for(lambda: simulator.requests("smmpllus", "status"), 10)
    time.sleep(3)  # past the lease first taken

    second = services.poll_provider(provider)
    polling.join(timeout=30)

    assert second.skipped and not first[0].skipped
    assert len(simulator.requests("smmpllus", "status")) == 1
    assert ProviderPolling.objects.get(provider=provider).lock_until is None  # released
