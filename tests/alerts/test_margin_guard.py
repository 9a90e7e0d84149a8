"""The margin guard: when a product's route comes to cost more than the price a shop was last
told, an alert says which product, which shop and by how much, and it ends once the shop's
panel has read the new price."""

from decimal import Decimal

import pytest
from django.test import Client

from alerts import services
from alerts.models import Alert, Delivery, Rule
from providers.models import Service
from shops import services as shops
from shops.models import Quote
from tests.shops.conftest import priced_market

pytestmark = pytest.mark.django_db


def send_all():
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        services.deliver(pk)


def _reads_services(key):
    answer = Client().post("/api/v2", {"key": key, "action": "services"}).json()
    return {item["service"]: item["rate"] for item in answer}


def _the_panels_raise_their_prices(product, by):
    for service in Service.objects.filter(pinned__group=product.group):
        service.rate += by
        service.save(update_fields=["rate"])
    shops.price_products()
    product.refresh_from_db()


def test_a_cost_over_a_shops_quote_alerts_with_the_product_and_how_much(
    simulator, synced, channels, hook
):
    _, product = priced_market(synced)
    shop, key = shops.create_shop("Reseller panel", credit=Decimal(10))
    assert _reads_services(key)[product.pk] == "1.17"  # the route's 0.90 + 30%
    assert services.evaluate().opened == 0  # quoted above the cost: nothing to say

    _the_panels_raise_their_prices(product, Decimal("0.40"))
    assert product.cost == Decimal("1.3")
    # The group's product, and the class of labelled services its offers belong to.
    assert services.evaluate().opened == 2
    alert = Alert.objects.get(
        rule__kind=Rule.Kind.MARGIN_GUARD, key=f"quote:{shop.pk}:{product.pk}"
    )
    assert alert.title == f"{product.name} costs more than Reseller panel was quoted"
    # Rates per 1000, written as rates are everywhere: four decimals and the currency.
    assert "costs 1.3000 USD per 1000 now, 0.1300 USD over the 1.1700 USD quoted to Reseller" in (
        alert.detail
    )
    assert "(+11.1%)" in alert.detail and "each 1000 ordered loses 0.1300 USD" in alert.detail
    assert alert.path == f"/shops/{shop.pk}/"
    send_all()
    assert alert.title in hook.received[0]["message"]

    assert services.evaluate().opened == 0  # still true: no second alert
    _reads_services(key)  # the shop's panel reads the new price
    assert Quote.objects.get(shop=shop, product=product).rate > product.cost
    assert services.evaluate().resolved == 2
