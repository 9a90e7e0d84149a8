"""smmdash's own PanelClient, pointed at /api/v2 of a live server with a shop's key and nothing
learned, reads the balance and the catalog, places, tracks one and 100 orders, refills and
cancels: any panel script that speaks the dialect does the same."""

from decimal import Decimal

import pytest
from django.conf import settings

from orders import services as order_services
from orders.models import Order
from panel import PanelClient, ProviderError
from providers.models import Provider
from providers.services import refresh_balance, save_provider
from shops import services
from shops.models import ShopOrder

pytestmark = pytest.mark.django_db(transaction=True)
LINK = "https://instagram.com/client"


@pytest.fixture
def client_of(live_server, key):
    def client_of(as_key=None):
        return PanelClient(f"{live_server.url}/api/v2", as_key or key, allow_private_hosts=True)

    return client_of


def _route_and_send(shop_order_ids):
    for shop_order_id in shop_order_ids:
        order = services.route(int(shop_order_id))
        order_services.submit(order.pk)


def test_the_panel_client_uses_smmdash_like_any_panel(client_of, product, shop, simulator):
    with client_of() as panel:
        balance = panel.probe()
        assert (balance.amount, balance.currency) == (Decimal(100), "USD")
        assert panel.capabilities.multi_status is True
        catalog = {service.service_id: service for service in panel.services()}
        mine = catalog[str(product.pk)]
        assert (mine.rate, mine.min, mine.max) == (Decimal("1.17"), product.min, product.max)
        assert mine.type == "Default" and mine.name == product.name

        order_id = panel.add_order(mine.service_id, LINK, 1000)
        first = panel.status(order_id)
        assert (first.status, first.raw_status, first.charge) == (
            "pending",
            "Pending",
            Decimal("1.17"),
        )
        assert first.remains == 1000 and first.currency == "USD"

        many = [panel.add_order(mine.service_id, f"{LINK}/{n}", 100) for n in range(99)]
        assert len(set(many)) == 99 and order_id not in many
        _route_and_send([order_id, *many])
        simulator.advance(3600)
        for provider in Provider.objects.filter(orders__isnull=False).distinct():
            order_services.poll_provider(provider)
        answers = panel.statuses([order_id, *many])
        assert len(answers) == 100 and len(panel.calls) > 0
        assert {answer.status for answer in answers.values()} <= {"completed", "partial"}
        assert panel.balance().amount == services.ledger_sum(shop)

        refilled = ShopOrder.objects.get(pk=order_id).order
        simulator.panel(refilled.provider.name).service(refilled.service_ref).refill = True
        refill_id = panel.refill(order_id)
        assert refill_id is not None and panel.refill_status(refill_id) == "Pending"
        services.ask_panel("refill", int(refill_id))
        assert panel.refill_status(refill_id) in ("Pending", "In progress", "Completed")

        open_one = panel.add_order(mine.service_id, f"{LINK}/open", 1000)
        _route_and_send([open_one])
        upstream = ShopOrder.objects.get(pk=open_one).order
        simulator.panel(upstream.provider.name).service(upstream.service_ref).cancel = True
        panel.cancel(open_one)
        services.ask_panel("cancel", int(open_one))
        Order.objects.filter(pk=upstream.pk).update(status_checked_at=None)
        order_services.poll_provider(upstream.provider)
        assert panel.status(open_one).status == "canceled"
        with pytest.raises(ProviderError, match="Incorrect order ID"):
            panel.status("999999")


def test_a_wrong_key_is_the_panels_usual_refusal(client_of, shop):
    with client_of("f" * 32) as panel, pytest.raises(ProviderError, match="Invalid API key"):
        panel.balance()


def test_smmdash_adds_another_smmdash_as_a_provider(live_server, key, shop, product):
    """The provider form's connection test, against a shop's key: the same as a panel."""
    assert settings.PROVIDER_ALLOW_PRIVATE_HOSTS
    provider = save_provider(
        Provider(name="smmdash upstream", api_url=f"{live_server.url}/api/v2"), api_key=key
    )
    assert refresh_balance(provider).amount == Decimal(100)
