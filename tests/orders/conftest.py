import pytest
from django.test import Client

from orders import services
from orders.models import Order
from orders.simulated import open_orders_at
from providers.models import Service

PANELS = ["smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"]


def a_service(provider, *, type="Default", **flags) -> Service:
    """An active cached service of `type` (cheapest first, so the 1000 in credit goes far)."""
    found = provider.services.filter(active=True, type=type, **flags).order_by("rate").first()
    assert found is not None, f"{provider} has no active {type} service with {flags}"
    return found


@pytest.fixture
def place(buyer):
    """Queue an order the way the form does, then run the submit task's body once."""

    def place(service, quantity=None, *, link="https://instagram.com/p/smmdash", **extra):
        order, _ = services.create_order(
            service, link=link, quantity=quantity or service.min, extra=extra, user=buyer
        )
        services.submit(order.pk)
        return Order.objects.select_related("provider", "service").get(pk=order.pk)

    return place


@pytest.fixture
def buyer_client(buyer):
    """A client of its own, so a test can hold it and viewer_client at once."""
    client = Client()
    client.force_login(buyer)
    return client


def adds(simulator, panel):
    return simulator.requests(panel, "add")


@pytest.fixture
def open_orders(simulator):
    """`count` orders placed at the simulated panel behind `provider` and recorded as pending,
    without a request each: for tests about tracking many orders."""

    def open_orders(provider, panel, count):
        return open_orders_at(simulator, provider, panel, count)

    return open_orders
