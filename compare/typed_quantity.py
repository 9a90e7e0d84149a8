"""A quantity typed into the Compare search: "tiktok views 5000", "5k", "5 000", "2,5к".

A number is read as the quantity only where it is not part of what the classifier reads (a
"refill 30", a "5k/day" speed: taking it away would change the labels) and the search is of a
product, not of names: "Server 12" and a panel's service id stay words to look for.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from providers.classify import classify

# A whole number, grouped by spaces or commas in threes ("5 000", "5,000"), or a number with
# a thousand or million after it ("5k", "1.5k", "2,5 тыс", "1m"); a leading minus is kept so
# that "-5" is read, and refused as a quantity, rather than ignored.
_NUMBER = re.compile(
    r"(?<![\w.,\-])(?P<minus>-)?"
    r"(?P<digits>\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?)"
    r"\s?(?P<times>k|к|тыс\.?|m|м|млн)?(?![\w%/.,])",
    re.IGNORECASE,
)
_TIMES = {"k": 1000, "к": 1000, "тыс": 1000, "m": 1_000_000, "м": 1_000_000, "млн": 1_000_000}


@dataclass(frozen=True)
class TypedQuantity:
    value: int | None  # None: not a whole number ("1.2345k")
    words: str  # as typed
    rest: str  # the search without it


def read_quantity(text: str, *, product_chosen: bool = False) -> TypedQuantity | None:
    """The quantity typed in `text`, if a number there reads as one. `product_chosen`: the
    platform or kind is set by the filters, so the text need not name it."""
    labels = classify(text)
    for found in _NUMBER.finditer(text):
        rest = " ".join((text[: found.start()] + " " + text[found.end() :]).split())
        rest_labels = classify(rest)
        if rest_labels != labels:
            continue  # part of a refill period, a speed...
        if not (product_chosen or rest_labels.platform or rest_labels.kind):
            return None  # a search of names: the number is one of the words
        return TypedQuantity(_value(found), found.group().strip(), rest)
    return None


def _value(found: re.Match) -> int | None:
    digits = found["digits"]
    times = _TIMES.get((found["times"] or "").lower().rstrip("."), 1)
    if re.fullmatch(r"\d+(?:[ \u00a0\u202f,]\d{3})+", digits):
        digits = re.sub(r"[ \u00a0\u202f,]", "", digits)
    try:
        amount = Decimal(digits.replace(",", ".")) * times
    except InvalidOperation:
        return None
    if amount != amount.to_integral_value():
        return None
    return -int(amount) if found["minus"] else int(amount)
