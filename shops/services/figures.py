"""What a shop brought in and what it cost: per shop order, what the shop paid (its charge less
refunds) against what the upstream panel charged for it (its charge, or else smmdash's
expectation, converted to the base currency at today's rates)."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import NOTHING_SPENT, Order
from orders.services.spending import expected_final
from rates.money import rates_to_base, to_base
from shops.models import ShopOrder


@dataclass
class Figures:
    orders: int = 0
    revenue: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    unpriced: int = 0  # upstream orders in a currency without a rate
    product: object = None  # a line per product has its product
    by_product: dict = field(default_factory=dict)

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_share(self) -> Decimal | None:
        return self.margin / self.revenue if self.revenue else None


def upstream_cost(order: Order | None, rates) -> Decimal | None:
    """What the upstream order cost in the base currency (nothing if the panel never took it)."""
    if order is None or order.status in NOTHING_SPENT:
        return Decimal(0)
    own = order.charge
    if own is None:
        values = {name: getattr(order, name) for name in ("status", "expected_cost", "remains")}
        own = expected_final({**values, "quantity": order.quantity, "extra": order.extra})
    return to_base(own, order.currency, rates)


def shop_figures(shop, days=30, now=None) -> Figures:
    now = now or timezone.now()
    rates = rates_to_base()
    figures = Figures()
    shop_orders = ShopOrder.objects.filter(
        shop=shop, created_at__gte=now - timedelta(days=days)
    ).select_related("order", "product")
    for shop_order in shop_orders.iterator(2000):
        revenue = shop_order.charge - shop_order.refund
        cost = upstream_cost(shop_order.order, rates)
        line = figures.by_product.setdefault(
            shop_order.product_id, Figures(product=shop_order.product)
        )
        for tally in (figures, line):
            tally.orders += 1
            tally.revenue += revenue
            if cost is None:
                tally.unpriced += 1
            else:
                tally.cost += cost
    return figures
