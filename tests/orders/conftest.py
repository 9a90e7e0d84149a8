import pytest

from bench.simulated_orders import open_orders_at
from providers.models import Service

PANELS = ["smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"]


def a_service(provider, *, type="Default", **flags) -> Service:
    """An active cached service of `type` (cheapest first, so the 1000 in credit goes far)."""
    found = provider.services.filter(active=True, type=type, **flags).order_by("rate").first()
    assert found is not None, f"{provider} has no active {type} service with {flags}"
    return found


def adds(simulator, panel):
    return simulator.requests(panel, "add")


@pytest.fixture
def open_orders(simulator):
    """`count` orders placed at the simulated panel behind `provider` and recorded as pending,
    without a request each: for tests about tracking many orders."""

    def open_orders(provider, panel, count):
        return open_orders_at(simulator, provider, panel, count)

    return open_orders
