from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F

from compare.routing import Product
from compare.search import compare
from compare.services import create_group, pin
from orders.models import Order, Refill
from simulator import DELIVERY_PROFILES
from tests.orders.conftest import a_service


@pytest.fixture
def profiled(simulator):
    """The simulator with each panel's delivery profile on (slow starter, often partial,
    refills that never complete); back to plain panels after the test."""
    simulator.delivery_profiles = DELIVERY_PROFILES
    simulator.reset()
    yield simulator
    simulator.delivery_profiles = {}
    simulator.reset()


@pytest.fixture
def time_passes(simulator):
    """Move the simulated panels' clock and smmdash's orders' past by the same amount, as if
    `seconds` went by for both (the panels' clock is manual, smmdash's is the real one)."""

    def time_passes(seconds):
        simulator.advance(seconds)
        earlier = timedelta(seconds=seconds)
        Order.objects.update(
            placed_at=F("placed_at") - earlier,
            started_at=F("started_at") - earlier,
            finished_at=F("finished_at") - earlier,
            cancel_requested_at=F("cancel_requested_at") - earlier,
            status_checked_at=F("status_checked_at") - earlier,
        )
        Refill.objects.update(requested_at=F("requested_at") - earlier)

    return time_passes


GROUP = "IG followers 1k"
RATES = {"smmprovider": Decimal("1.00"), "smmbros": Decimal("0.90"), "smmsheba": Decimal("0.95")}


@pytest.fixture
def market(profiled, synced):
    """smmprovider (delivers everything), smmbros (a third of its orders only partly) and
    smmsheba (slow to start; no record yet), each selling the product GROUP: smmbros
    cheapest, smmsheba next, smmprovider dearest."""
    providers = {panel: synced(panel) for panel in RATES}
    group = None
    for panel, provider in providers.items():
        service = a_service(provider, platform="instagram", kind="followers", max__gte=1000)
        service.rate, service.min = RATES[panel], 10
        service.save(update_fields=["rate", "min"])
        if group is None:
            group = create_group(GROUP, seed=service)
        else:
            pin(group, [service])
    return providers


def offer_at(provider, quantity=1000):
    offers = compare(Product.from_words(GROUP).criteria(quantity), limit=None).offers
    return next(offer for offer in offers if offer.provider == provider)
