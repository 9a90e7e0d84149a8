"""How numbers are written for people, in the active language: one rule for each kind.

- A rate (a price per 1000) has four decimals, always, and its currency: "5.6060 USD",
  "0.5189 USD", "4,192.3000 RUB". Four tell cheap offers apart, and a fixed count keeps a column
  of rates aligned and alike ("0.5600", never "0.56" under "0.5189").
- An amount (a balance, a cost, a charge, spend) has two decimals and its currency:
  "48.80 USD", "0.39 USD". One that is not zero but would read as "0.00" is "<0.01 USD".
- A count has the language's grouping: "50,000,000", "50 000 000" in Russian.
- An exchange rate ("1 USD = 92.35 RUB") keeps the digits it was set with, at least two.

Russian pages get Russian separators ("1 234,56") from the language's format module
(smmdash/formats/). Only what is shown is rounded, never what is stored: values stay Decimal.
CSV exports and the panel API write plain, machine-readable numbers and do not use this.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format, number_format

RATE_PLACES = 4
AMOUNT_PLACES = 2


def rate_text(value, currency: str = "") -> str:
    """A price per 1000: four decimals and the currency; "—" for none."""
    return _fixed(value, RATE_PLACES, currency)


def amount_text(value, currency: str = "") -> str:
    """A balance, cost or charge: two decimals and the currency; "—" for none."""
    return _fixed(value, AMOUNT_PLACES, currency)


def count_text(value) -> str:
    """A count with the language's grouping: "50,000,000" ("50 000 000" in Russian)."""
    if value is None:
        return "—"
    return number_format(int(value), use_l10n=True, force_grouping=True)


def decimal_text(value, places: int) -> str:
    """A plain number rounded to `places` decimals, the language's separators, grouped."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0.00"
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def exchange_rate_text(value) -> str:
    """An exchange rate as it was set (no trailing zeros) but with at least two decimals."""
    if value is None:
        return "—"
    places = max(AMOUNT_PLACES, -Decimal(value).normalize().as_tuple().exponent)
    return decimal_text(value, places)


def localize_separators(text: str) -> str:
    """Swap "1,234.5"'s separators for the active language's: "1 234,5" in Russian."""
    grouping = get_format("THOUSAND_SEPARATOR")
    decimal = get_format("DECIMAL_SEPARATOR")
    if (grouping, decimal) == (",", "."):
        return text
    return text.translate({ord(","): grouping, ord("."): decimal})


def _fixed(value, places: int, currency: str) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    smallest = Decimal(1).scaleb(-places)
    if value and abs(value) < smallest / 2:
        # Not zero, but too small to show: say so rather than write a zero.
        text = ("<" if value > 0 else ">-") + decimal_text(smallest, places)
    else:
        text = decimal_text(value, places)
    return f"{text} {currency}".strip()
