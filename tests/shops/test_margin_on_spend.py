"""Shops' revenue and margin on the Spend page: what shops paid against what the panels
charged, per shop, and in the CSV, adding up with each shop's own page, in a constant number
of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services as order_services
from orders.models import Order
from orders.services.spending import expected_final
from shops import services
from shops.models import ShopOrder
from shops.services.figures import shop_figures
from spend.services import Period, report

LINK = "https://instagram.com/p/margin-{}"


def _add(api, product, number, quantity=1000):
    return api("add", service=product.pk, link=LINK.format(number), quantity=quantity)["order"]


def _placed(api, product, number, quantity=1000):
    shop_order_id = _add(api, product, number, quantity)
    order = services.route(shop_order_id)
    return shop_order_id, order_services.submit(order.pk)


def _what_the_panels_charged(shop):
    """Each shop order's upstream order, as Spend counts an order's cost (all in USD here)."""
    total = Decimal(0)
    for shop_order in ShopOrder.objects.filter(shop=shop, order__isnull=False):
        order = Order.objects.get(pk=shop_order.order_id)
        if order.charge is not None:
            total += order.charge
        else:
            values = {name: getattr(order, name) for name in ("status", "expected_cost")}
            total += expected_final(
                {**values, "remains": order.remains, "quantity": order.quantity, "extra": {}}
            )
    return total


@pytest.mark.django_db
def test_spend_shows_what_shops_paid_against_what_panels_charged(
    api, shop, product, simulator, viewer_client
):
    _, completed = _placed(api, product, 1)
    _, partial = _placed(api, product, 2)
    simulator.panel(partial.provider.name).ledger.orders[
        int(partial.provider_order_id)
    ].partial = True
    simulator.advance(3600)
    order_services.poll_provider(completed.provider)
    if partial.provider_id != completed.provider_id:
        order_services.poll_provider(partial.provider)
    _add(api, product, 3)  # accepted, not placed yet: paid for, nothing spent
    services.settle_due()

    paid = sum(o.charge - o.refund for o in ShopOrder.objects.filter(shop=shop))
    charged = _what_the_panels_charged(shop)
    assert paid == Decimal("3.276") and charged > 0  # 1.17 + 0.936 + 1.17

    page_figures = shop_figures(shop)
    assert (page_figures.orders, page_figures.revenue, page_figures.cost) == (3, paid, charged)
    spend = report(Period.last(30), base_currency="USD")
    [(shop_id, name, figures)] = spend.shops
    assert (shop_id, name) == (shop.pk, "Reseller panel")
    assert (figures.orders, figures.revenue, figures.cost) == (3, paid, charged)
    assert figures.margin == page_figures.margin == paid - charged == spend.shop_total.margin

    page = viewer_client.get("/spend/", {"period": "30"})
    assert 'data-testid="spend-shops"' in page.text and "Reseller panel" in page.text
    assert "page counts its last 30 days the same way" in page.text

    csv = b"".join(viewer_client.get("/spend/", {"export": "csv"}).streaming_content).decode()
    header, *rows = csv.strip().splitlines()
    assert header.endswith("shops paid (USD),shops' orders cost (USD),shops' margin (USD)")
    shop_paid = [Decimal(row.split(",")[-3]) for row in rows if row.split(",")[-3]]
    assert sum(shop_paid) == paid
    assert any("(shop orders not placed yet)" in row for row in rows)


@pytest.mark.django_db
def test_the_spend_page_reads_as_many_queries_with_more_shops_orders(
    api, shop, product, viewer_client
):
    _placed(api, product, 1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/spend/", {"period": "90"}).status_code == 200
        return len(captured)

    few = queries()
    for number in range(2, 6):
        _placed(api, product, number, quantity=100 * number)
    _, key = services.create_shop("Second panel", credit=Decimal(50))
    api("add", as_key=key, service=product.pk, link=LINK.format(9), quantity=500)
    assert queries() == few
