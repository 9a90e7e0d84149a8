"""The header's search: an order by our number, the panel's order id or its link, and a
provider or a service by name, a few of each, in one query per kind however many match."""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When

from orders.models import Order
from providers.models import Provider, Service
from smmdash.lib import params

PER_KIND = 10
LONGEST = 200  # characters of the query read: no name or link is searched by more


@dataclass
class Found:
    text: str
    orders: list = field(default_factory=list)
    providers: list = field(default_factory=list)
    services: list = field(default_factory=list)
    more_orders: bool = False
    more_providers: bool = False
    more_services: bool = False
    exact_orders: list = field(default_factory=list)  # by our number or the panel's id

    @property
    def anything(self) -> bool:
        return bool(self.orders or self.providers or self.services)

    @property
    def jump_to(self):
        """The one order the text names exactly (by its number or the panel's id), if it names
        exactly one: the search goes straight to it (names that merely contain the digits, as
        "1000 followers" contains 1000, do not hold it back)."""
        return self.exact_orders[0] if len(self.exact_orders) == 1 else None


def search(text: str) -> Found:
    text = " ".join((text or "").split())[:LONGEST]
    found = Found(text)
    if not text:
        return found
    found.orders, found.more_orders = _first(_orders(text))
    found.exact_orders = [order for order in found.orders if order.exact]
    found.providers, found.more_providers = _first(
        Provider.objects.filter(name__icontains=text).order_by("name")
    )
    found.services, found.more_services = _first(
        Service.objects.select_related("provider")
        .filter(name__icontains=text, active=True)
        .order_by("rate", "pk")
    )
    return found


def _orders(text):
    panel_id = text.lstrip("#")
    number = params.an_id(panel_id)
    exact = Q(provider_order_id=panel_id) | (Q(pk=number) if number else Q(pk__in=[]))
    looks_like_a_link = "/" in text or "." in text
    wanted = exact | Q(link__icontains=text) if looks_like_a_link else exact
    return (
        Order.objects.select_related("provider")
        .filter(wanted)
        .annotate(
            exact=Case(When(exact, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("-exact", "-pk")
    )


def _first(queryset):
    """The first PER_KIND rows, and whether there were more, in one query."""
    rows = list(queryset[: PER_KIND + 1])
    return rows[:PER_KIND], len(rows) > PER_KIND
