"""Amounts in the base currency: Decimal all the way, and never a guessed rate."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from providers.models import ExchangeRate

CENT = Decimal("0.01")


def rates_to_base() -> dict[str, Decimal]:
    """{currency: value of one unit in the base currency}, the newest rate of each (one query)."""
    base = settings.BASE_CURRENCY
    rates = {base: Decimal(1)}
    newest_first = ExchangeRate.objects.filter(base=base).order_by("currency", "-set_at", "-id")
    for currency, rate in newest_first.values_list("currency", "rate"):
        rates.setdefault(currency, rate)
    return rates


def to_base(amount: Decimal | None, currency: str, rates: dict[str, Decimal]) -> Decimal | None:
    """`amount` in the base currency, or None when it has no known rate (never converted at 1)."""
    if amount is None:
        return None
    rate = rates.get((currency or "").upper())
    if rate is None:
        return None
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
