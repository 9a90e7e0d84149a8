"""A small market for routing tests: one product sold by three simulated panels that deliver
differently (their delivery profiles), at prices that make the cheapest not the best value."""

from decimal import Decimal

from compare.routing import Product
from compare.search import compare
from compare.services import create_group, pin
from orders import services
from orders.models import Order
from orders.services import rollups
from tests.orders.conftest import a_service

GROUP = "IG followers 1k"
RUN = 300  # seconds an order runs at the simulator's plain pace, after 60 pending
RATES = {"smmprovider": Decimal("1.00"), "smmbros": Decimal("0.90"), "smmsheba": Decimal("0.95")}


def build_market(synced):
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


def finished_history(place, time_passes, provider, count=12):
    """`count` finished orders of the provider's service in the group, polled to their end."""
    service = offer_at(provider).service
    for number in range(count):
        place(service, 1000, link=f"https://instagram.com/h{provider.pk}/{number}")
    time_passes(RUN + 900)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)
    rollups.refresh_due()
