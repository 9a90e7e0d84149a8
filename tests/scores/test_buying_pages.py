"""The Buy page, the same-link guard on the order forms, mass orders by product, and how a
moved order reads on its pages."""

import pytest

from compare.routing import Product, plan
from orders import services
from orders.models import Order
from tests.htmx import htmx_headers
from tests.market import GROUP

pytestmark = pytest.mark.django_db


def test_buy_previews_the_route_then_places_the_order(market, buyer_client):
    preview = buyer_client.get("/orders/buy/", {"product": GROUP, "quantity": 1000})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Where it goes" in page and "best value, by the default policy" in page
    assert "This field is required" not in page  # a preview scolds no empty field
    fragment = buyer_client.get(
        "/orders/buy/",
        {"product": GROUP, "quantity": 1000},
        **htmx_headers(target="buy-plan"),
    ).content.decode()
    assert fragment.lstrip().startswith('<article id="buy-plan"')

    sent = buyer_client.post(
        "/orders/buy/",
        {
            "product": GROUP,
            "link": "https://instagram.com/acme",
            "quantity": 1000,
            "form_token": "t1",
        },
    )
    order = Order.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/orders/{order.pk}/"
    assert order.route and order.routing_note.startswith(f"{GROUP}: best value")
    assert "Routed:" in buyer_client.get(sent["Location"]).content.decode()
    # The same form again makes no second order.
    buyer_client.post(
        "/orders/buy/",
        {
            "product": GROUP,
            "link": "https://instagram.com/acme",
            "quantity": 1000,
            "form_token": "t1",
        },
    )
    assert Order.objects.count() == 1


def test_buy_warns_of_an_open_order_on_the_link_and_asks_to_confirm(market, buyer_client):
    services.buy(Product.from_words(GROUP), link="https://instagram.com/acme", quantity=1000)
    form = {"product": GROUP, "link": "https://instagram.com/acme/", "quantity": 1000}
    warned = buyer_client.post("/orders/buy/", {**form, "form_token": "a"}).content.decode()
    assert "already has order #" in warned and 'name="confirm_overlap"' in warned
    assert Order.objects.count() == 1
    buyer_client.post("/orders/buy/", {**form, "form_token": "b", "confirm_overlap": "on"})
    assert Order.objects.count() == 2


def test_buy_says_why_nothing_can_take_it(market, buyer_client):
    form = {
        "product": GROUP,
        "link": "https://instagram.com/x",
        "quantity": 10**9,
        "form_token": "c",
    }
    page = buyer_client.post("/orders/buy/", form).content.decode()
    assert "No provider can take" in page and "takes 10 to" in page
    page = buyer_client.post("/orders/buy/", {**form, "product": "zzz"}).content.decode()
    assert "cannot tell its platform and kind" in page
    assert not Order.objects.exists()


def test_the_order_form_has_the_same_guard(market, buyer_client):
    service = plan(Product.from_words(GROUP), 1000).choices[0].service
    services.create_order(service, link="https://instagram.com/p/1", quantity=1000)
    form = {"service": service.pk, "link": "https://m.instagram.com/p/1", "quantity": 1000}
    warned = buyer_client.post("/orders/new/", {**form, "form_token": "x"})
    assert "already has order #" in warned.content.decode()
    assert Order.objects.count() == 1
    buyer_client.post("/orders/new/", {**form, "form_token": "y", "confirm_overlap": "on"})
    assert Order.objects.count() == 2


def test_mass_orders_route_lines_by_product_and_report_overlaps(market, buyer_client):
    lines = "\n".join(
        [
            f"{GROUP} | https://instagram.com/a | 1000",
            f"{GROUP} | https://instagram.com/a/ | 1000",  # the same link again
            "instagram followers | https://instagram.com/b | 1000",
            "server 12 | https://instagram.com/c | 1000",
        ]
    )
    page = buyer_client.post(
        "/orders/mass/", {"provider": "", "lines": lines, "form_token": "m"}
    ).content.decode()
    assert Order.objects.count() == 2
    assert "already has an open order" in page
    assert "cannot tell its platform and kind" in page
    assert all(order.routing_note for order in Order.objects.all())


def test_a_moved_order_points_to_where_it_went(market, simulator, buyer_client):
    first = plan(Product.from_words(GROUP), 1000).choices[0]
    simulator.inject(
        first.offer.provider.name, "canned", action="add", body='{"error": "Link is private"}'
    )
    order = services.buy(
        Product.from_words(GROUP), link="https://instagram.com/z", quantity=1000
    ).order
    services.submit(order.pk)
    moved = Order.objects.get(previous_attempt=order)

    refused_page = buyer_client.get(f"/orders/{order.pk}/").content.decode()
    assert f'Moved to <a href="/orders/{moved.pk}/">order #{moved.pk}</a>' in refused_page
    moved_page = buyer_client.get(f"/orders/{moved.pk}/").content.decode()
    assert "Moved here from" in moved_page and "Link is private" in moved_page
    listing = buyer_client.get("/orders/").content.decode()
    assert f"moved to #{moved.pk}" in listing
