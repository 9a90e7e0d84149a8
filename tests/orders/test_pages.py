"""The order pages: the form and its checks, mass orders, the list and the order page."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.models import Order
from tests.htmx import fragment_body, htmx_headers
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


def order_form(client, service, **data):
    page = client.get(f"/orders/new/?service={service.pk}")
    token = page.context["form"].initial["form_token"]
    return client.post(f"/orders/new/?service={service.pk}", {"form_token": token, **data})


def errors(response):
    form = response.context["form"]
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def test_an_order_from_the_form_is_queued_and_shown(simulator, synced, buyer_client, buyer):
    service = a_service(synced("smmprovider"))

    response = order_form(buyer_client, service, link="https://t.me/channel", quantity=service.min)

    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert (order.status, order.placed_by, order.quantity) == ("queued", buyer, service.min)
    page = buyer_client.get(response.url).content.decode()
    assert "Queued" in page and "https://t.me/channel" in page
    assert simulator.requests("smmprovider", "add") == []  # the worker sends it, not the page


def test_the_same_form_sent_twice_makes_one_order(synced, buyer_client):
    service = a_service(synced("smmprovider"))
    token = (
        buyer_client.get(f"/orders/new/?service={service.pk}").context["form"].initial["form_token"]
    )
    data = {"form_token": token, "link": "https://t.me/c", "quantity": service.min}

    first = buyer_client.post(f"/orders/new/?service={service.pk}", data)
    second = buyer_client.post(f"/orders/new/?service={service.pk}", data, follow=True)

    assert Order.objects.count() == 1
    assert first.url == second.redirect_chain[-1][0]
    assert "This form was already sent" in second.content.decode()


def test_the_form_checks_everything_before_anything_is_sent(synced, buyer_client, simulator):
    provider = synced("smmprovider")
    service = a_service(provider)

    too_many = order_form(buyer_client, service, link="https://t.me/c", quantity=service.max + 1)
    assert f"between {service.min:,} and {service.max:,}" in errors(too_many)["quantity"]
    not_a_link = order_form(buyer_client, service, link="instagram dot com", quantity=service.min)
    assert "is not a valid link" in errors(not_a_link)["link"]
    service.active = False
    service.save()
    gone = order_form(buyer_client, service, link="https://t.me/c", quantity=service.min)
    assert "no longer in smmprovider's catalog" in errors(gone)["__all__"]
    assert not Order.objects.exists()


def test_custom_comments_count_as_the_quantity(synced, buyer_client):
    service = a_service(synced("smmprovider"), type="Custom Comments")
    page = buyer_client.get(f"/orders/new/?service={service.pk}")
    assert (
        "comments" in page.context["form"].fields and "quantity" not in page.context["form"].fields
    )

    few = order_form(buyer_client, service, link="https://t.me/c", comments="Nice\n\nGreat")
    assert "The number of comments must be between" in errors(few)["comments"]
    comments = "\n".join(f"Comment {n}" for n in range(service.min))
    order_form(buyer_client, service, link="https://t.me/c", comments=comments)

    order = Order.objects.get()
    assert order.quantity == service.min
    assert order.extra["comments"].splitlines()[0] == "Comment 0"


def test_drip_feed_runs_multiply_the_cost(simulator, synced, buyer_client):
    service = a_service(synced("smmsheba"), dripfeed=True)
    quantity = service.min

    order_form(buyer_client, service, link="https://t.me/c", quantity=quantity, runs=3, interval=30)
    order = Order.objects.get()
    assert order.extra == {"runs": 3, "interval": 30}
    assert order.expected_cost == services.expected_cost(service.rate, quantity, 3)

    services.submit(order.pk)
    sent = simulator.requests("smmsheba", "add")[0].form
    assert (sent["runs"], sent["interval"], sent["quantity"]) == ("3", "30", str(quantity))


def test_the_cost_fragment_prices_what_was_typed_against_the_balance(synced, buyer_client):
    provider = synced("smmub", currency="RUB")  # with no rate to the base currency
    service = a_service(provider)
    quantity = service.max

    response = buyer_client.post(
        f"/orders/new/?service={service.pk}",
        {"link": "", "quantity": quantity, "form_token": "x"},
        **htmx_headers("order-cost"),
    )

    body = fragment_body(response, "order-cost")
    cost = services.expected_cost(service.rate, quantity)
    assert cost > Decimal("1000")
    assert f"{cost.normalize():f}" in body.replace(",", "")
    assert "no RUB → USD rate set" in body
    assert "Not enough" in body
    assert not Order.objects.exists()


def test_a_mass_order_reports_every_line_and_orders_the_good_ones(synced, buyer_client):
    provider = synced("smmpllus")
    good = a_service(provider)
    comments = a_service(provider, type="Custom Comments")
    lines = "\n".join(
        [
            f"{good.service_id} | https://instagram.com/p/1 | {good.min}",
            f"{good.service_id} | not a link | {good.min}",
            f"99999 | https://instagram.com/p/2 | {good.min}",
            f"{good.service_id} | https://instagram.com/p/3 | {good.max + 1}",
            f"{comments.service_id} | https://instagram.com/p/4 | 10",
            "just some words",
            f"{good.service_id} | https://instagram.com/p/5 | {good.min + 1}",
        ]
    )
    page = buyer_client.get("/orders/mass/")
    token = page.context["form"].initial["form_token"]
    data = {"provider": provider.pk, "lines": lines, "form_token": token}

    response = buyer_client.post("/orders/mass/", data)

    report = {line.number: line for line in response.context["report"]}
    assert [n for n, line in report.items() if line.order] == [1, 7]
    assert "is not a valid link" in report[2].error
    assert "no service 99999" in report[3].error
    assert "between" in report[4].error
    assert "order it with the order form" in report[5].error
    assert "service id | link | quantity" in report[6].error
    assert "2 of 7 lines ordered" in response.content.decode()
    unsent = response.context["form"].initial["lines"].splitlines()
    assert len(unsent) == 5 and unsent[0] == f"{good.service_id} | not a link | {good.min}"
    # Sent again (a reload), the same form orders nothing twice.
    buyer_client.post("/orders/mass/", data)
    assert Order.objects.count() == 2


def test_a_mass_order_from_a_csv_file(synced, buyer_client):
    provider = synced("smmprovider")
    service = a_service(provider)
    text = "service,link,quantity\n" + "".join(
        f"{service.service_id},https://t.me/c{n},{service.min}\n" for n in range(3)
    )
    upload = SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")

    buyer_client.post(
        "/orders/mass/", {"provider": provider.pk, "csv_file": upload, "form_token": "t"}
    )

    assert sorted(Order.objects.values_list("link", flat=True)) == [
        f"https://t.me/c{n}" for n in range(3)
    ]


def test_the_service_search_finds_the_cheapest_offers_first(synced, buyer_client):
    synced("smmprovider")
    synced("smmpllus")

    response = buyer_client.get("/orders/new/?q=followers", **htmx_headers("service-results"))

    fragment_body(response, "service-results")
    found = list(response.context["found"])
    assert {service.provider.name for service in found} == {"smmprovider", "smmpllus"}
    assert [service.rate for service in found] == sorted(service.rate for service in found)


def test_the_list_filters_sorts_and_exports(synced, place, viewer_client, simulator):
    provider = synced("smmprovider")
    service = a_service(provider)
    first = place(service, link="https://instagram.com/p/first")
    second = place(service, service.max + 1, link="https://instagram.com/p/second")  # rejected

    rejected = viewer_client.get("/orders/?status=rejected").context["page"]
    assert [order.pk for order in rejected] == [second.pk]
    open_ones = viewer_client.get("/orders/?status=open").context["page"]
    assert [order.pk for order in open_ones] == [first.pk]
    by_link = viewer_client.get("/orders/?q=p/first").context["page"]
    assert [order.pk for order in by_link] == [first.pk]
    by_panel_id = viewer_client.get(f"/orders/?q={first.provider_order_id}").context["page"]
    assert [order.pk for order in by_panel_id] == [first.pk]
    oldest_first = viewer_client.get("/orders/?sort=created").context["page"]
    assert [order.pk for order in oldest_first] == [first.pk, second.pk]

    export = viewer_client.get("/orders/?status=open&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["id"] for row in rows] == [str(first.pk)]
    assert rows[0]["provider_order_id"] == first.provider_order_id
    assert rows[0]["expected_cost"] == str(first.expected_cost)


def test_the_list_runs_the_same_queries_for_5_or_50_orders(synced, open_orders, viewer_client):
    provider = synced("smmprovider")

    def queries():
        with CaptureQueriesContext(connection) as run:
            assert viewer_client.get("/orders/").status_code == 200
        return len(run.captured_queries)

    open_orders(provider, "smmprovider", 5)
    few = queries()
    open_orders(provider, "smmprovider", 45)
    assert queries() == few


def test_the_order_page_shows_the_timeline_without_the_key(simulator, synced, place, viewer_client):
    order = place(a_service(synced("smmprovider")))

    page = viewer_client.get(f"/orders/{order.pk}/").content.decode()

    assert "Sent the order to the panel" in page
    assert f"order id is {order.provider_order_id}" in page
    assert "action=add" in page
    assert simulator.key("smmprovider") not in page
    fragment = viewer_client.get(f"/orders/{order.pk}/", **htmx_headers("order-live"))
    assert 'hx-trigger="every 5s"' in fragment_body(fragment, "order-live")


def test_an_empty_list_says_how_to_start(viewer_client, buyer_client):
    assert "No orders yet" in viewer_client.get("/orders/").content.decode()
    assert "Place orders" in viewer_client.get("/orders/").content.decode()
    assert "Place your first order" in buyer_client.get("/orders/").content.decode()


def test_a_provider_with_orders_is_disabled_not_deleted(synced, place, manager_client):
    provider = synced("smmprovider")
    order = place(a_service(provider))

    page = manager_client.post(f"/providers/{provider.pk}/delete/", follow=True).content.decode()

    assert "has orders, so it was disabled instead of deleted" in page
    provider.refresh_from_db()
    assert provider.enabled is False
    assert Order.objects.filter(pk=order.pk).exists()
    assert f"/orders/{order.pk}/" in page  # listed under Recent orders


def test_the_dashboard_calls_out_orders_that_need_checking(simulator, synced, place, viewer_client):
    provider = synced("smmprovider")
    simulator.inject("smmprovider", "reset", action="add")
    place(a_service(provider))
    place(a_service(provider))

    response = viewer_client.get("/", **htmx_headers("order-summary"))

    body = fragment_body(response, "order-summary")
    assert "1 order needs checking" in body
    assert "<strong>1</strong> open" in body
