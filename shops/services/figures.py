"""What shops brought in and what it cost: per shop order, what the shop paid (its charge less
refunds) against what the upstream panel charged for it (its charge, or else smmdash's
expectation, converted to the base currency at today's rates).

One grouped query per report, whatever the number of orders: a line per shop, product,
provider (the one its live upstream order is at; none while not placed yet), day (the day the
shop ordered, in TIME_ZONE, as Spend and the order list cut days) and currency. The shop's page
and the Spend page both read these lines, so their figures are the same count: shop orders by
the day they were placed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate

from orders.models import NOTHING_SPENT
from orders.services.spending import GIVEN_BACK, Status
from providers.models import AMOUNT
from rates.money import rates_to_base, to_base
from shops.models import ShopOrder
from smmdash.lib.days import day_start, today, zone

MONEY = DecimalField(**AMOUNT)


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

    def add(self, line: "Line"):
        self.orders += line.orders
        self.revenue += line.revenue
        if line.cost is None:
            self.unpriced += line.orders
        else:
            self.cost += line.cost


@dataclass
class Line:
    """Shop orders of one shop, product, provider and day."""

    day: date
    shop_id: int
    shop_name: str
    product_id: int
    product_name: str
    provider_id: int | None
    provider_name: str
    orders: int
    revenue: Decimal  # in the base currency
    cost: Decimal | None  # in the base currency; None without a rate for the panel's currency


def _upstream_cost():
    """What the live upstream order cost, in its currency, as orders.services.spending counts
    it: the panel's charge, else what smmdash expects (nothing where the panel gives the money
    back, the delivered share of a partial), nothing for an order the panel never took."""
    runs = Coalesce(Cast(KeyTextTransform("runs", "order__extra"), IntegerField()), Value(1))
    ordered = F("order__quantity") * runs
    delivered_share = ExpressionWrapper(
        F("order__expected_cost") * (ordered - F("order__remains")) / ordered, output_field=MONEY
    )
    return Case(
        When(order__isnull=True, then=Value(Decimal(0))),
        When(order__status__in=NOTHING_SPENT, then=Value(Decimal(0))),
        When(order__charge__isnull=False, then=F("order__charge")),
        When(order__status__in=GIVEN_BACK, then=Value(Decimal(0))),
        When(
            Q(order__status=Status.PARTIAL, order__remains__isnull=False),
            then=delivered_share,
        ),
        default=F("order__expected_cost"),
        output_field=MONEY,
    )


def margin_lines(start: date, end: date, *, shop_ids=None, provider_ids=None) -> list[Line]:
    """Lines of the shop orders placed from `start` to `end` (included, days in TIME_ZONE)."""
    rates = rates_to_base()
    rows = ShopOrder.objects.filter(
        created_at__gte=day_start(start), created_at__lt=day_start(end + timedelta(days=1))
    )
    if shop_ids is not None:
        rows = rows.filter(shop__in=shop_ids)
    if provider_ids:
        rows = rows.filter(order__provider__in=provider_ids)
    rows = (
        rows.annotate(placed_on=TruncDate("created_at", tzinfo=zone()))
        .values(
            "placed_on",
            "shop_id",
            "shop__name",
            "product_id",
            "product__name",
            "order__provider_id",
            "order__provider__name",
            "order__currency",
        )
        .annotate(
            count=Count("pk"),
            paid=Sum(F("charge") - F("refund"), output_field=MONEY),
            upstream=Sum(_upstream_cost()),
        )
        .order_by()
    )
    lines = {}
    for row in rows:
        cost = to_base(row["upstream"] or Decimal(0), row["order__currency"] or "", rates)
        if row["order__provider_id"] is None:
            cost = Decimal(0)  # not placed yet: nothing spent
        key = (row["placed_on"], row["shop_id"], row["product_id"], row["order__provider_id"])
        line = lines.get(key)
        if line is None:
            lines[key] = Line(
                day=row["placed_on"],
                shop_id=row["shop_id"],
                shop_name=row["shop__name"],
                product_id=row["product_id"],
                product_name=row["product__name"],
                provider_id=row["order__provider_id"],
                provider_name=row["order__provider__name"] or "",
                orders=row["count"],
                revenue=Decimal(row["paid"] or 0),
                cost=cost,
            )
            continue
        # The same provider in two currencies (its account's changed): one line.
        line.orders += row["count"]
        line.revenue += Decimal(row["paid"] or 0)
        line.cost = None if cost is None or line.cost is None else line.cost + cost
    return sorted(lines.values(), key=lambda line: (line.day, line.shop_name, line.product_name))


def last_days(days: int, now=None) -> tuple[date, date]:
    """The last `days` days, today included: the Spend page's "last 30 days"."""
    end = today(now)
    return end - timedelta(days=days - 1), end


def shop_figures(shop, days=30, now=None) -> Figures:
    """A shop's figures over its last `days` days, with a line per product."""
    lines = margin_lines(*last_days(days, now), shop_ids=[shop.pk])
    return figures_of(lines).get(shop.pk, Figures())


def figures_of(lines: list[Line]) -> dict[int, Figures]:
    """{shop id: its figures, with a line per product}."""
    shops: dict[int, Figures] = {}
    for line in lines:
        figures = shops.setdefault(line.shop_id, Figures())
        figures.add(line)
        figures.by_product.setdefault(line.product_id, Figures(product=line.product_name)).add(line)
    return shops
