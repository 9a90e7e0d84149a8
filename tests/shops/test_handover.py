"""Shop work a task should do (route an accepted order, ask a panel for a refill or a cancel)
is handed over again as orders' is: once its task is ORDER_QUEUED_STALLED_SECONDS overdue, or
at once when the broker never took it; never every tick. An add whose task the broker refuses,
whatever the failure, still answers its order id: the charge is committed by then."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import services as order_services
from providers.models import Service
from shops import services
from shops.models import ShopOrder, ShopRefill
from shops.services import requests, routing
from smmdash.lib.queue import broker
from tests.broker import broker_at, broker_unreachable

pytestmark = pytest.mark.django_db
LINK = "https://instagram.com/handover"


def test_an_accepted_order_is_routed_again_once_its_task_is_overdue_not_every_tick(
    api, product, settings
):
    shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    now = timezone.now()
    assert settings.ORDER_QUEUED_STALLED_SECONDS == 30
    assert routing.recover(now) == 0  # its task was queued just now
    overdue = now + timedelta(seconds=31)
    assert routing.recover(overdue) == 1
    assert ShopOrder.objects.get(pk=shop_order_id).route_task_due_at >= overdue
    # The next ticks leave it to the task just queued.
    assert routing.recover(overdue + timedelta(seconds=10)) == 0
    assert routing.recover(overdue + timedelta(seconds=20)) == 0
    # Then again, later the longer it has waited (HAND_OVER_AGAIN_AT_MOST at the most).
    assert routing.recover(overdue + timedelta(seconds=31)) == 0
    assert routing.recover(overdue + timedelta(seconds=70)) == 1


def test_refills_and_cancels_are_asked_again_once_overdue(api, product, simulator):
    shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    order = services.route(shop_order_id)
    service = simulator.panel(order.provider.name).service(order.service_ref)
    service.cancel = service.refill = True
    Service.objects.filter(pk=order.service_id).update(cancel=True, refill=True)
    order_services.submit(order.pk)
    assert api("cancel", orders=str(shop_order_id))[0]["cancel"] == 1
    now = timezone.now()
    assert requests.recover(now) == 0
    overdue = now + timedelta(seconds=31)
    assert requests.recover(overdue) == 1
    assert requests.recover(overdue + timedelta(seconds=10)) == 0
    assert ShopOrder.objects.get(pk=shop_order_id).cancel_task_due_at >= overdue
    assert not ShopRefill.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_add_the_broker_cannot_take_answers_and_is_routed_at_the_next_tick(api, product):
    with broker_unreachable():
        shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
        assert ShopOrder.objects.get(pk=shop_order_id).route_task_due_at is None
        broker.forget()
    assert routing.recover(timezone.now()) == 1  # held by no task: at once


@pytest.mark.django_db(transaction=True)
def test_an_add_answers_its_order_whatever_the_broker_raises(api, product, shop):
    """A broker failure that is not a connection error (here, a broker URL of no known
    transport) escapes the queue; the add has been charged and committed, so its answer is
    still the order id, not a 500."""
    with broker_at("nosuchtransport://127.0.0.1/0"):
        answer = api("add", service=product.pk, link=LINK, quantity=1000)
    assert ShopOrder.objects.filter(pk=answer["order"]).exists()
