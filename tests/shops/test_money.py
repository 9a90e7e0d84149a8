"""A shop's money: charged at add, given back once when the upstream order ends (remains x
price for a partial delivery, the whole charge for a cancel), in Decimal to the last place;
concurrent repeats of one add make one order and one charge."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from orders import services as order_services
from orders.models import Order
from providers.models import Provider
from shops import services
from shops.models import LedgerEntry, ShopOrder
from shops.services import ledger, settling

LINK = "https://instagram.com/money"


@pytest.fixture
def placed(api, product):
    """Add through the API, route and send it: (shop order id, the upstream order)."""

    def placed(quantity=1000, link=LINK):
        shop_order_id = api("add", service=product.pk, link=link, quantity=quantity)["order"]
        order = services.route(shop_order_id)
        return shop_order_id, order_services.submit(order.pk)

    return placed


def _ends(simulator, order, *, partial=False):
    panel = simulator.panel(order.provider.name)
    panel.ledger.orders[int(order.provider_order_id)].partial = partial
    simulator.advance(3600)
    order_services.poll_provider(order.provider)


@pytest.mark.django_db
def test_a_partial_delivery_gives_back_remains_times_the_price_once(api, shop, placed, simulator):
    shop_order_id, order = placed(1000)
    _ends(simulator, order, partial=True)

    answer = api("status", order=shop_order_id)
    # The panel delivered 800 of 1000: 200 x 1.17 / 1000 = 0.234 back of the 1.17 charged.
    assert (answer["status"], answer["remains"], answer["charge"]) == ("Partial", "200", "0.9360")
    assert api("status", order=shop_order_id) == answer  # read again: nothing more given back
    services.settle_due()
    shop.refresh_from_db()
    assert shop.balance == Decimal("99.064") == services.ledger_sum(shop)
    refund = LedgerEntry.objects.get(kind="refund")
    assert refund.amount == Decimal("0.234") and refund.shop_order_id == shop_order_id


@pytest.mark.django_db
def test_a_completed_order_gives_nothing_back(api, shop, placed, simulator):
    shop_order_id, order = placed(1000)
    _ends(simulator, order)
    answer = api("status", order=shop_order_id)
    assert (answer["status"], answer["remains"], answer["charge"]) == ("Completed", "0", "1.1700")
    shop.refresh_from_db()
    assert shop.balance == Decimal("98.83") == services.ledger_sum(shop)
    assert not LedgerEntry.objects.filter(kind="refund").exists()


@pytest.mark.django_db
def test_a_cancel_gives_back_the_whole_charge(api, shop, placed, simulator):
    shop_order_id, order = placed(1000)
    simulator.panel(order.provider.name).service(order.service_ref).cancel = True

    assert api("cancel", orders=str(shop_order_id)) == [{"order": shop_order_id, "cancel": 1}]
    assert api("cancel", orders="999999") == [
        {"order": 999999, "cancel": {"error": "Incorrect order ID"}}
    ]
    services.ask_panel("cancel", shop_order_id)
    services.ask_panel("cancel", shop_order_id)  # a task delivered twice asks once
    assert len(simulator.requests(order.provider.name, "cancel")) == 1
    order.refresh_from_db()
    order.status_checked_at = None
    order.save(update_fields=["status_checked_at"])
    order_services.poll_provider(order.provider)

    answer = api("status", order=shop_order_id)
    assert (answer["status"], answer["charge"], answer["remains"]) == ("Canceled", "0.0000", "1000")
    shop.refresh_from_db()
    assert shop.balance == Decimal(100) == services.ledger_sum(shop)
    assert api("cancel", orders=str(shop_order_id)) == [
        {"order": shop_order_id, "cancel": {"error": "This order cannot be canceled"}}
    ]


@pytest.mark.django_db
def test_an_order_canceled_before_it_is_routed_is_refunded_and_never_placed(api, shop, product):
    shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    assert api("cancel", orders=str(shop_order_id))[0]["cancel"] == 1
    assert services.route(shop_order_id) is None
    assert api("status", order=shop_order_id)["status"] == "Canceled"
    shop.refresh_from_db()
    assert shop.balance == Decimal(100)


@pytest.mark.django_db(transaction=True)
def test_settling_races_refund_once(api, shop, placed, simulator):
    _, order = placed(1000)
    _ends(simulator, order, partial=True)
    start = threading.Barrier(4)

    def settle():
        start.wait()
        try:
            services.settle_due()
        finally:
            connection.close()

    threads = [threading.Thread(target=settle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    shop.refresh_from_db()
    assert shop.balance == Decimal("99.064") == services.ledger_sum(shop)


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_of_one_add_make_one_order(shop, product):
    start = threading.Barrier(6)
    answers = []
    fields = {"service": str(product.pk), "link": LINK, "quantity": "1000"}

    def add():
        start.wait()
        try:
            answers.append(services.accept(shop, fields).shop_order_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 6 and len(set(answers)) == 1
    assert ShopOrder.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="charge").count() == 1
    shop.refresh_from_db()
    assert shop.balance == Decimal("98.83")


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_never_spend_more_than_the_credit(shop, product):
    services.top_up(shop, Decimal("-96.49"))  # 3.51 left: three orders of 1.17
    start = threading.Barrier(6)
    outcomes = []

    def add(number):
        start.wait()
        fields = {"service": str(product.pk), "link": f"{LINK}/{number}", "quantity": "1000"}
        try:
            outcomes.append(services.accept(shop, fields))
        except services.Refused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("Not enough funds on balance") == 3
    shop.refresh_from_db()
    assert shop.balance == Decimal(0) == services.ledger_sum(shop)


def _not_sent_nowhere_else(api, product, link):
    """A shop order whose upstream order could not be sent and has nowhere to fail over to:
    its provider is disabled and its route is empty. Returns (shop order id, upstream order)."""
    shop_order_id = api("add", service=product.pk, link=link, quantity=1000)["order"]
    order = services.route(shop_order_id)
    Order.objects.filter(pk=order.pk).update(route=[])
    Provider.objects.filter(pk=order.provider_id).update(enabled=False)
    order = order_services.submit(order.pk)
    assert order.status == Order.Status.NOT_SENT
    Provider.objects.filter(pk=order.provider_id).update(enabled=True)
    return shop_order_id, order


@pytest.mark.django_db
def test_an_order_a_shop_was_refunded_for_cannot_be_sent_again(api, shop, product, manager):
    """Settled as Canceled and refunded, the upstream order is never placed after all: staff's
    Send again is refused, with why."""
    shop_order_id, order = _not_sent_nowhere_else(api, product, LINK)
    assert services.settle_due() == 1
    assert api("status", order=shop_order_id)["status"] == "Canceled"
    with pytest.raises(order_services.OrderActionRefused, match="refunded"):
        order_services.send_again(order, manager)
    order.refresh_from_db()
    assert order.status == Order.Status.NOT_SENT


@pytest.mark.django_db
def test_an_order_sent_again_is_not_settled_from_what_was_read_before(api, shop, product, manager):
    """Staff send it again between the tick's read and its settlement: the settlement reads
    the order again under its lock and leaves the shop order open."""
    shop_order_id, order = _not_sent_nowhere_else(api, product, LINK)
    shop_order = ShopOrder.objects.get(pk=shop_order_id)
    order_services.send_again(order, manager)
    assert settling.settle(shop_order, order) is False  # `order` as read before: NOT_SENT
    shop_order.refresh_from_db()
    assert shop_order.settled_at is None
    shop.refresh_from_db()
    assert shop.balance == Decimal("98.83")


@pytest.mark.django_db
def test_a_charge_of_the_whole_balance_is_taken_exactly():
    """0.3 in three charges of 0.1: SQLite computes F("balance") - 0.1 in floats, and would
    find 0.09999999999999998 short of the last 0.1."""
    shop, _ = services.create_shop("Exact", credit=Decimal("0.3"))
    with transaction.atomic():
        for _ in range(3):
            ledger.charge(shop.pk, None, Decimal("0.1"))
    with pytest.raises(ledger.NotEnoughCredit), transaction.atomic():
        ledger.charge(shop.pk, None, Decimal("0.000001"))
    shop.refresh_from_db()
    assert shop.balance == Decimal(0) == services.ledger_sum(shop)


@pytest.mark.django_db
def test_following_dead_end_orders_reads_their_last_events_in_one_query(api, shop, product):
    """Orders refused moments ago may still fail over: when each last spoke is read for all of
    them at once, not once an order."""
    ids = []
    for number in range(3):
        shop_order_id = api("add", service=product.pk, link=f"{LINK}/{number}", quantity=1000)
        ids.append(shop_order_id["order"])
        order = services.route(ids[-1])
        assert order.route  # somewhere left to fail over to
        Order.objects.filter(pk=order.pk).update(status=Order.Status.REJECTED)
    found = list(services.followed(ShopOrder.objects.filter(pk__in=ids)))
    with CaptureQueriesContext(connection) as captured:
        answers = services.follow(found)
    assert [answers[pk].status for pk in ids] == ["Pending"] * 3  # within the failover grace
    assert sum("orders_orderevent" in query["sql"] for query in captured) == 1
