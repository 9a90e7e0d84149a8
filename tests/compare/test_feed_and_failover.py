"""The dashboard's feed of price moves and vanished services; failover suggestions on the order
form and the order page."""

from decimal import Decimal

import pytest
from django.conf import settings

from compare import services
from compare.feed import market_moves
from orders.models import Order
from providers import services as provider_services
from providers.models import Provider, Service
from tests.htmx import fragment_body, htmx_headers

pytestmark = pytest.mark.django_db


def resync(provider):
    assert provider_services.sync_catalog(provider).status == "ok"


def test_notable_moves_and_vanished_services_on_the_dashboard(market, simulator, viewer_client):
    provider = market["smmprovider"]
    jumped, nudged, gone = provider.services.order_by("pk")[:3]
    panel = simulator.panel("smmprovider")
    panel.set_rate(jumped.service_id, jumped.rate * Decimal("1.25"))
    panel.set_rate(nudged.service_id, nudged.rate * Decimal("1.02"))
    panel.withdraw(gone.service_id)
    assert market_moves() == []  # first sightings are not moves
    resync(provider)

    moves = market_moves()
    assert {(m.service.pk, m.vanished) for m in moves} == {(gone.pk, True), (jumped.pk, False)}
    move = next(m for m in moves if not m.vanished)
    assert move.percent == Decimal("25.0") and move.up

    body = fragment_body(viewer_client.get("/", **htmx_headers("market-moves")), "market-moves")
    assert "+25.0%" in body and jumped.name in body
    assert "left the catalog" in body and gone.name in body
    assert nudged.name not in body


def test_an_empty_week_says_so(market, viewer_client):
    body = fragment_body(viewer_client.get("/", **htmx_headers("market-moves")), "market-moves")
    assert "No rate moved by 10% or more" in body


def _ig_followers(provider):
    return provider.services.filter(platform="instagram", kind="followers", refill_in_name=False)


def test_a_disabled_provider_gets_the_cheapest_equivalent_elsewhere_on_the_order_form(
    market, buyer_client
):
    service = _ig_followers(market["smmpllus"]).order_by("rate").first()
    Provider.objects.filter(pk=market["smmpllus"].pk).update(enabled=False)
    service.refresh_from_db()
    suggested = services.alternatives(service, 1000)
    assert suggested and all(o.provider != service.provider for o in suggested)
    assert [o.rate_in_base for o in suggested] == sorted(o.rate_in_base for o in suggested)
    for offer in suggested:
        assert (offer.service.platform, offer.service.kind, offer.service.quality) == (
            service.platform,
            service.kind,
            service.quality,
        )

    page = buyer_client.get(
        "/orders/new/", {"service": service.pk, "quantity": "1000", "link": "https://ig.me/x"}
    ).content.decode()
    assert "smmpllus is disabled." in page
    assert f"/orders/new/?service={suggested[0].service.pk}&amp;quantity=1000" in page


def test_a_short_balance_is_caught_as_the_quantity_is_typed(market, buyer_client):
    service = next(
        service
        for service in market["smmprovider"].services.filter(kind="followers", max__gte=5000)
        if services.alternatives(service, 5000)
    )
    Provider.objects.filter(pk=service.provider_id).update(balance=Decimal("0.10"))
    response = buyer_client.post(
        f"/orders/new/?service={service.pk}",
        {"service": service.pk, "quantity": "5000", "link": "https://ig.me/x"},
        **htmx_headers("order-cost"),
    )
    body = fragment_body(response, "order-cost")
    assert "does not cover this order" in body
    assert "Order there" in body


def test_a_russian_reader_is_told_the_problem_and_the_way_out_in_russian(market, buyer_client):
    service = _ig_followers(market["smmpllus"]).order_by("rate").first()
    Provider.objects.filter(pk=market["smmpllus"].pk).update(enabled=False)
    buyer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = buyer_client.get(
        "/orders/new/", {"service": service.pk, "quantity": "1000", "link": "https://ig.me/x"}
    ).content.decode()
    assert "Провайдер smmpllus отключён." in page
    assert "is disabled" not in page


def test_an_inactive_service_and_a_failing_provider_are_problems(market):
    service = _ig_followers(market["smmbros"]).first()
    Service.objects.filter(pk=service.pk).update(active=False)
    service.refresh_from_db()
    assert "no longer in smmbros's catalog" in services.order_problem(service, 100)
    Service.objects.filter(pk=service.pk).update(active=True)
    Provider.objects.filter(pk=service.provider_id).update(last_sync_ok=False)
    service.refresh_from_db()
    assert services.order_problem(service, 100) == "smmbros: catalog sync failing."
    Provider.objects.filter(pk=service.provider_id).update(last_sync_ok=True)
    service.refresh_from_db()
    assert services.order_problem(service, service.min) is None


def test_the_order_page_suggests_elsewhere_for_a_refused_order_but_not_an_unknown_one(
    market, viewer_client, buyer
):
    service = _ig_followers(market["smmsheba"]).order_by("rate").first()
    order = Order.of_service(
        service,
        link="https://ig.me/x",
        quantity=1000,
        placed_by=buyer,
        status=Order.Status.REJECTED,
        last_error="Not enough funds",
    )
    order.save()
    page = viewer_client.get(f"/orders/{order.pk}/").content.decode()
    assert "smmsheba refused it." in page and "Order there" not in page  # viewers cannot order
    assert services.alternatives(service, 1000)[0].service.name in page

    Order.objects.filter(pk=order.pk).update(status=Order.Status.UNKNOWN)
    page = viewer_client.get(f"/orders/{order.pk}/").content.decode()
    assert "This order may not go through" not in page
