"""Shops buying through /api/v2 from tests.market's three panels, which sell one product."""

from decimal import Decimal

import pytest

from compare.models import ServiceGroup
from shops import services
from shops.models import Product
from tests.market import GROUP, build_market


def priced_market(synced):
    """tests.market's panels (plain delivery), the products priced: the group's product."""
    providers = build_market(synced)
    services.price_products()
    product = Product.objects.get(key=f"group:{ServiceGroup.objects.get(name=GROUP).pk}")
    return providers, product


@pytest.fixture
def shop_market(simulator, synced):
    return priced_market(synced)


@pytest.fixture
def product(shop_market):
    return shop_market[1]


@pytest.fixture
def shop_and_key(db):
    return services.create_shop(
        "Reseller panel", credit=Decimal("100"), markup_percent=Decimal("30")
    )


@pytest.fixture
def shop(shop_and_key):
    return shop_and_key[0]


@pytest.fixture
def key(shop_and_key):
    return shop_and_key[1]


@pytest.fixture
def api(client, key):
    """POST /api/v2 as a panel script would, with the shop's key unless told otherwise."""

    def api(action, *, as_key=None, status=200, **fields):
        response = client.post("/api/v2", {"key": as_key or key, "action": action, **fields})
        assert response.status_code == status, response.content
        return response.json()

    return api
