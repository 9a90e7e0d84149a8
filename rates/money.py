"""Amounts in the base currency, and what an order costs: Decimal all the way, and never a
guessed rate."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from rates.models import ExchangeRate

COST_STEP = Decimal("0.000001")  # the decimal places an amount is stored with (AMOUNT)


def expected_cost(rate: Decimal, quantity: int, runs: int = 1) -> Decimal:
    """What an order should cost: rate per 1000 x quantity (x drip-feed runs) / 1000."""
    return (rate * quantity * runs / 1000).quantize(COST_STEP, rounding=ROUND_HALF_UP)


def current_rates() -> list[ExchangeRate]:
    """The rate in force for each currency (the newest row of each) against the base, in
    currency order: one query."""
    newest = {}
    rows = ExchangeRate.objects.filter(base=settings.BASE_CURRENCY).select_related("set_by")
    for row in rows.order_by("currency", "-set_at", "-id"):
        newest.setdefault(row.currency, row)
    return list(newest.values())


def rates_to_base() -> dict[str, Decimal]:
    """{currency: value of one unit in the base currency}, the newest rate of each (one query)."""
    return {settings.BASE_CURRENCY: Decimal(1)} | {
        row.currency: row.rate for row in current_rates()
    }


def to_base(
    amount: Decimal | None, currency: str, rates: dict[str, Decimal], step: Decimal = COST_STEP
) -> Decimal | None:
    """`amount` in the base currency, to the places amounts are stored with (pages round it
    for people, with the money filter), or None when it has no known rate (never converted at
    1). Rounded to cents here, a 0.004 order cost 0.00 and offers a cent apart tied."""
    if amount is None:
        return None
    rate = rates.get((currency or "").upper())
    if rate is None:
        return None
    return (amount * rate).quantize(step, rounding=ROUND_HALF_UP)


def with_base_balances(providers, rates: dict[str, Decimal]):
    """Each provider with `balance_in_base` set (None when its currency has no rate)."""
    for provider in providers:
        provider.balance_in_base = to_base(provider.balance, provider.currency, rates)
    return providers
