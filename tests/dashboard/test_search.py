"""The header's search: an order by our number, the panel's id or its link (straight to it
when one order is named exactly), a provider or a service by name, a few of each, in a
constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from orders.services import create_order
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(synced):
    return a_service(synced("smmprovider"))


@pytest.fixture
def order_at(service, buyer):
    def order_at(link, panel_id=""):
        order, _ = create_order(service, link=link, quantity=service.min, user=buyer)
        if panel_id:
            Order.objects.filter(pk=order.pk).update(provider_order_id=panel_id)
        return order

    return order_at


def test_our_order_number_goes_straight_to_the_order(order_at, viewer_client):
    order = order_at("https://instagram.com/p/first")

    for typed in (str(order.pk), f"#{order.pk}", f"  #{order.pk} "):
        response = viewer_client.get("/search/", {"q": typed})
        assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"


def test_the_panels_order_id_goes_straight_to_the_order(order_at, viewer_client):
    order_at("https://instagram.com/p/other")
    order = order_at("https://instagram.com/p/first", panel_id="pX-77812")

    response = viewer_client.get("/search/", {"q": "pX-77812"})

    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"


def test_a_number_that_names_two_orders_lists_both(order_at, viewer_client):
    first = order_at("https://instagram.com/p/first")
    second = order_at("https://instagram.com/p/second", panel_id=str(first.pk))

    response = viewer_client.get("/search/", {"q": str(first.pk)})

    assert response.status_code == 200
    assert {order.pk for order in response.context["found"].orders} == {first.pk, second.pk}


def test_a_link_finds_its_orders_without_jumping(order_at, viewer_client):
    order = order_at("https://instagram.com/p/abc123")
    order_at("https://t.me/elsewhere")

    response = viewer_client.get("/search/", {"q": "instagram.com/p/abc"})

    assert response.status_code == 200
    assert [found.pk for found in response.context["found"].orders] == [order.pk]
    assert f'href="/orders/{order.pk}/"' in response.content.decode()


def test_providers_and_services_by_name_grouped_and_limited(service, viewer_client):
    response = viewer_client.get("/search/", {"q": "smmprov"})
    page = response.content.decode()
    assert [p.name for p in response.context["found"].providers] == ["smmprovider"]
    assert f'href="/providers/{service.provider.pk}/"' in page

    found = viewer_client.get("/search/", {"q": "followers"}).context["found"]
    assert len(found.services) == 10 and found.more_services
    assert all("followers" in s.name.lower() for s in found.services)
    assert [s.rate for s in found.services] == sorted(s.rate for s in found.services)


def test_the_search_costs_the_same_queries_however_much_it_finds(order_at, viewer_client):
    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            response = viewer_client.get("/search/", {"q": text})
        assert response.status_code == 200
        return len(captured)

    order_at("https://instagram.com/p/one")
    few = queries("instagram.com/p/")
    for n in range(15):
        order_at(f"https://instagram.com/p/many{n}")
    assert queries("instagram.com/p/") == few
    assert viewer_client.get("/search/", {"q": "instagram.com/p/"}).context["found"].more_orders


@pytest.mark.parametrize("typed", ["", "   ", "9" * 30, "²", "%", "a" * 5000, "nothing-like-it"])
def test_odd_or_empty_searches_answer_a_page(db, viewer_client, typed):
    response = viewer_client.get("/search/", {"q": typed})

    assert response.status_code == 200
    if typed.strip() and typed != "%":
        assert "Nothing found" in response.content.decode()


def test_the_header_has_the_search_and_only_for_staff_with_a_role(viewer_client, nobody, client):
    assert 'action="/search/"' in viewer_client.get("/orders/").content.decode()
    client.force_login(nobody)
    assert client.get("/search/", {"q": "x"}).status_code == 403


def test_a_services_rate_is_written_as_a_rate(service, viewer_client):
    service.__class__.objects.filter(pk=service.pk).update(rate="0.51894")

    page = viewer_client.get("/search/", {"q": service.name[:40]}).content.decode()

    # Four decimals, as every rate per 1000 (an amount would be "0.52").
    assert f"0.5189 {service.provider.currency}" in page
