"""What orders cost: the SpendDay tallies, counted with the scorecards' rollups.

An order costs what the panel says it charged; where the panel reports no charge, what smmdash
expected (its rate x quantity, less what a partial delivery, a cancel or a failure gives back),
counted apart as estimated. Orders the panel never took cost nothing; an order whose answer was
lost is counted apart, as money that may or may not have gone.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from orders.models import NOTHING_SPENT, Order, SpendDay
from rates.money import COST_STEP, to_base

Status = Order.Status
# The panel gives the money back for what it did not deliver.
GIVEN_BACK = frozenset({Status.CANCELED, Status.REFUNDED, Status.FAILED})
REFUNDING = GIVEN_BACK | {Status.PARTIAL}
# A charge within this of the expected cost is the panel's rounding, not a difference.
ROUNDING = Decimal("0.0001")
ROUNDING_SHARE = Decimal("0.001")
# What expected_final reads of an order.
PARTIAL = ("status", "expected_cost", "remains", "quantity", "extra")
FIGURES = (
    "orders",
    "gross",
    "spent",
    "refunded",
    "refunded_orders",
    "estimated",
    "estimated_orders",
    "difference",
    "differing_orders",
    "unknown",
    "unknown_orders",
)


def expected_final(order: dict) -> Decimal:
    """What smmdash expects the order to cost in the end, from its status and what remains."""
    status, expected = order["status"], order["expected_cost"]
    if status in GIVEN_BACK:
        return Decimal(0)
    if status == Status.PARTIAL and order["remains"] is not None:
        ordered = order["quantity"] * int((order["extra"] or {}).get("runs") or 1)
        delivered = max(0, ordered - max(0, order["remains"]))
        return (expected * delivered / ordered).quantize(COST_STEP, rounding=ROUND_HALF_UP)
    return expected


def charge_differs(charge: Decimal, expected: Decimal) -> bool:
    return abs(charge - expected) > max(ROUNDING, expected * ROUNDING_SHARE)


def _tally(currency: str) -> dict:
    return {name: (0 if name.endswith("orders") else Decimal(0)) for name in FIGURES} | {
        "currency": currency
    }


def count_spend(kinds: dict, order: dict):
    """Add one order (a dict of rollups.ORDER_COLUMNS) to its day's tallies, by platform and
    kind."""
    status = order["status"]
    if status in NOTHING_SPENT:
        return
    key = (order["service__platform"] or "", order["service__kind"] or "")
    tally = kinds.setdefault(key, _tally(order["currency"] or ""))
    if status == Status.UNKNOWN:
        tally["unknown"] += order["expected_cost"]
        tally["unknown_orders"] += 1
        return
    tally["orders"] += 1
    tally["gross"] += order["expected_cost"]
    expected, charge = expected_final(order), order["charge"]
    if charge is None:
        cost = expected
        tally["estimated"] += cost
        tally["estimated_orders"] += 1
    else:
        cost = charge
        if charge_differs(charge, expected):
            tally["difference"] += charge - expected
            tally["differing_orders"] += 1
    tally["spent"] += cost
    if status in REFUNDING and cost < order["expected_cost"]:
        tally["refunded"] += order["expected_cost"] - cost
        tally["refunded_orders"] += 1


def write_spend(provider_id: int, per_day: dict):
    """Replace the SpendDay rows of `per_day`'s days ({day: {(platform, kind): tally}})."""
    rows = [
        SpendDay(provider_id=provider_id, day=day, platform=platform, kind=kind, **tally)
        for day, kinds in per_day.items()
        for (platform, kind), tally in kinds.items()
    ]
    kept = {(row.day, row.platform, row.kind) for row in rows}
    stale = SpendDay.objects.filter(provider_id=provider_id, day__in=list(per_day))
    stale_ids = [
        pk
        for pk, day, platform, kind in stale.values_list("pk", "day", "platform", "kind")
        if (day, platform, kind) not in kept
    ]
    if stale_ids:
        SpendDay.objects.filter(pk__in=stale_ids).delete()
    SpendDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["provider", "day", "platform", "kind"],
        update_fields=[*FIGURES, "currency", "computed_at"],
        batch_size=500,
    )


def spend_totals(orders, rates: dict[str, Decimal]) -> dict:
    """What `orders` (a queryset, however filtered) spent, counted as Spend counts it
    (count_spend): the orders the panels took, at what each finally cost, and apart those
    whose answer was lost. Per currency, and in the base currency where every currency has a
    rate, each currency's sum converted once, as Spend's total converts it.

    One pass over the orders; a second only for partial deliveries without a charge, whose
    cost is what they delivered of the expected cost, order by order."""
    counted = ~Q(status=Status.UNKNOWN)
    delivered_part = Q(status=Status.PARTIAL, charge__isnull=True, remains__isnull=False)
    # No charge reported: what was expected, unless the panel gave it all back.
    expected = counted & Q(charge__isnull=True) & ~Q(status__in=GIVEN_BACK) & ~delivered_part
    took = orders.exclude(status__in=NOTHING_SPENT).order_by()
    rows = (
        took.values("currency")
        .annotate(
            counted=Count("pk", filter=counted),
            unknown=Count("pk", filter=~counted),
            charged=Sum("charge", filter=counted),
            expected=Sum("expected_cost", filter=expected),
            parts=Count("pk", filter=delivered_part),
        )
        .values_list("currency", "counted", "unknown", "charged", "expected", "parts")
    )
    spent: dict[str, Decimal] = {}
    counts = {"orders": 0, "unknown_orders": 0}
    parts = 0
    for currency, count, unknown, charged, expected_sum, partial in rows:
        counts["orders"] += count
        counts["unknown_orders"] += unknown
        parts += partial
        if count:
            spent[currency or ""] = Decimal(charged or 0) + Decimal(expected_sum or 0)
    if parts:
        partials = took.filter(delivered_part).values_list("currency", *PARTIAL)
        for currency, *order in partials.iterator(2000):
            spent[currency or ""] += expected_final(dict(zip(PARTIAL, order, strict=True)))

    by_currency = {currency: amount.quantize(COST_STEP) for currency, amount in spent.items()}
    converted = [to_base(amount, currency, rates) for currency, amount in by_currency.items()]
    in_base = None if None in converted or not converted else sum(converted, Decimal(0))
    return {
        **counts,
        "by_currency": sorted(by_currency.items()),
        "in_base": in_base,
        # Worth its own figure only where some cost is in another currency.
        "converted": in_base is not None and set(by_currency) - {settings.BASE_CURRENCY},
    }
