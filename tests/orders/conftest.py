import pytest
from django.test import Client

from orders import services
from orders.models import Order
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
        service = a_service(provider)
        ledger = simulator.panel(panel).ledger
        account = ledger.accounts[simulator.key(panel)]
        account.deposit += 1_000_000
        sim_service = simulator.panel(panel).service(service.service_id)
        rows = []
        for number in range(count):
            link = f"https://instagram.com/p/{number}"
            at_panel = ledger.place(account, sim_service, link, service.min, {})
            rows.append(
                Order(
                    provider=provider,
                    service=service,
                    service_ref=service.service_id,
                    service_name=service.name,
                    rate=service.rate,
                    currency=provider.currency,
                    link=link,
                    quantity=service.min,
                    expected_cost=services.expected_cost(service.rate, service.min),
                    status=Order.Status.PENDING,
                    provider_order_id=str(at_panel.order_id),
                )
            )
        return Order.objects.bulk_create(rows)

    return open_orders
