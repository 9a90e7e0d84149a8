"""A send whose answer comes late: its worker is alive until the task's time limit, so the
order is neither given up on nor sent again before then, and whatever the panel answers in
the end is kept, never dropped or acted on twice."""

import logging
import subprocess
import sys
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from compare.routing import Product, plan
from orders import services
from orders.models import Order
from smmdash.lib.send_limits import SEND_CERTAINLY_OVER_AFTER, SUBMIT_TIME_LIMIT
from tests.market import GROUP
from tests.orders.conftest import a_service, adds
from tests.processes import smmdash_env, wait_for

S = Order.Status
LINK = "https://instagram.com/p/late"
PAST_THE_TIME_LIMIT = timedelta(seconds=SEND_CERTAINLY_OVER_AFTER + 20)


class Sending(threading.Thread):
    """A worker sending `order` on a thread of its own, as a Celery worker would."""

    def __init__(self, order):
        super().__init__()
        self.order, self.outcome = order, []

    def run(self):
        try:
            self.outcome.append(services.submit(self.order.pk))
        except Exception as failure:
            self.outcome.append(failure)
        finally:
            connection.close()


def given_up_by_recovery(order):
    """The recovery tick, as if its worker had outlived even its time limit: the order needs
    checking (the only way staff can act on it while the send is still under way)."""
    assert services.recover_stalled(timezone.now() + PAST_THE_TIME_LIMIT)[0] == 1
    order.refresh_from_db()
    assert order.status == S.UNKNOWN


# The threshold -------------------------------------------------------------------------------


def test_the_sending_threshold_outlives_the_send_task_and_a_shorter_one_is_refused():
    assert SEND_CERTAINLY_OVER_AFTER > SUBMIT_TIME_LIMIT
    assert settings.ORDER_SENDING_STALLED_SECONDS == SEND_CERTAINLY_OVER_AFTER  # the default
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=smmdash_env(ORDER_SENDING_STALLED_SECONDS=45),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode != 0
    assert "ORDER_SENDING_STALLED_SECONDS is 45" in started.stderr
    assert f"at least {SEND_CERTAINLY_OVER_AFTER}" in started.stderr


@pytest.mark.django_db(transaction=True)
def test_a_send_still_under_way_after_a_minute_is_not_given_up_on_nor_moved_by_a_late_refusal(
    market, simulator, buyer_client
):
    first = plan(Product.from_words(GROUP), 1000).choices[0]
    panel = first.offer.provider.name
    simulator.panel(panel).ledger.accounts[simulator.key(panel)].deposit = Decimal(0)
    simulator.inject(panel, "slow", action="add", seconds=3, after=False)  # then "no funds"
    form = {"product": GROUP, "link": LINK, "quantity": 1000, "form_token": "late"}
    buyer_client.post("/orders/buy/", form)
    (order,) = Order.objects.all()
    sending = Sending(order)
    sending.start()
    assert wait_for(lambda: adds(simulator, panel), 10)

    # A minute on, the worker may well still be sending (waiting for the panel, or writing
    # its answer patiently): the order is left to it.
    assert services.recover_stalled(timezone.now() + timedelta(seconds=60)) == (0, 0)
    assert Order.objects.get(pk=order.pk).status == S.SUBMITTING
    given_up_by_recovery(order)
    sending.join(timeout=30)

    # The refusal came after the order was given up on: it stays for staff to check, and is
    # not also moved to the next provider (it would be bought twice, were it at the panel).
    order.refresh_from_db()
    assert order.status == S.UNKNOWN
    assert not Order.objects.filter(previous_attempt=order).exists()
    assert Order.objects.count() == 1
    assert not order.events.filter(message__startswith="Rejected").exists()


# Staff said not placed, the panel placed it ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_order_marked_not_placed_that_the_panel_placed_after_all_is_tracked(
    simulator, synced, buyer, caplog
):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link=LINK, quantity=service.min)
    simulator.inject("smmprovider", "slow", action="add", seconds=3)  # placed, answered late
    sending = Sending(order)
    sending.start()
    assert wait_for(lambda: adds(simulator, "smmprovider"), 10)
    given_up_by_recovery(order)
    services.resolve_not_placed(order, buyer)

    # Its worker may still place it: it cannot be sent again yet.
    with pytest.raises(services.OrderActionRefused, match="can be sent again in"):
        services.send_again(order, buyer)
    sending.join(timeout=30)

    (panel_id,) = simulator.panel("smmprovider").ledger.orders
    order.refresh_from_db()
    assert (order.status, order.provider_order_id) == (S.PENDING, str(panel_id))
    assert order.events.filter(message__contains="marked not placed").count() == 1
    assert len(adds(simulator, "smmprovider")) == 1
    assert any("placed it after all" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_an_order_marked_not_placed_can_be_sent_again_once_its_send_is_certainly_over(
    synced, buyer
):
    service = a_service(synced("smmpllus"))
    order, _ = services.create_order(service, link=LINK, quantity=service.min)
    now = timezone.now()
    sent = now - timedelta(seconds=SEND_CERTAINLY_OVER_AFTER - 30)
    # Given up as stalled (past the task's time limit), then marked not placed by staff.
    given_up = sent + timedelta(seconds=SUBMIT_TIME_LIMIT + 10)
    Order.objects.filter(pk=order.pk).update(
        status=S.NOT_PLACED, submitted_at=sent, answer_lost_at=given_up
    )
    with pytest.raises(services.OrderActionRefused, match=r"can be sent again in (2\d|30) s"):
        services.send_again(order, buyer)
    assert Order.objects.get(pk=order.pk).status == S.NOT_PLACED

    Order.objects.filter(pk=order.pk).update(submitted_at=F("submitted_at") - timedelta(minutes=1))
    assert services.send_again(order, buyer).status == S.QUEUED

    # Its answer lost by the worker itself, which was done with it then; refused, or never
    # sent: no worker of its can place it any more, so no wait.
    lost = {"answer_lost_at": now + timedelta(seconds=5), "status": S.NOT_PLACED}
    for outcome in [lost, {"status": S.REJECTED}, {"status": S.NOT_SENT}]:
        Order.objects.filter(pk=order.pk).update(submitted_at=now, **outcome)
        assert services.send_again(order, buyer).status == S.QUEUED


@pytest.mark.django_db(transaction=True)
def test_a_late_answer_to_an_order_sent_again_meanwhile_is_kept_as_a_double_to_check(
    simulator, synced, buyer, caplog
):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link=LINK, quantity=service.min)
    simulator.inject("smmprovider", "slow", action="add", seconds=4)
    sending = Sending(order)
    sending.start()
    assert wait_for(lambda: adds(simulator, "smmprovider"), 10)
    given_up_by_recovery(order)
    services.resolve_not_placed(order, buyer)
    # Past the send's time limit (as on a machine whose clock jumped): staff send it again.
    Order.objects.filter(pk=order.pk).update(submitted_at=F("submitted_at") - PAST_THE_TIME_LIMIT)
    services.send_again(order, buyer)
    resent = services.submit(order.pk)
    sending.join(timeout=30)

    # Both sends are at the panel: the resend is tracked, and the late one is kept as an
    # order of its own that needs checking, with the panel's id, never dropped.
    ledger = simulator.panel("smmprovider").ledger
    assert len(ledger.orders) == 2 and len(adds(simulator, "smmprovider")) == 2
    late_id = next(str(pk) for pk in ledger.orders if str(pk) != resent.provider_order_id)
    assert Order.objects.get(pk=order.pk).status == S.PENDING
    double = Order.objects.exclude(pk=order.pk).get()
    assert double.status == S.UNKNOWN and double.needs_checking
    assert late_id in double.last_error and f"#{order.pk}" in double.last_error
    copied = (double.link, double.quantity, double.provider_id, double.expected_cost)
    assert copied == (LINK, order.quantity, order.provider_id, order.expected_cost)
    assert double.events.filter(data__provider_order_id=late_id).count() == 1
    assert order.events.filter(message__contains=f"#{double.pk}").count() == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("placed twice" in said and late_id in said for said in errors), errors
