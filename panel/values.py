"""Numbers, ids and flags as panels write them.

Money comes as ``"0.27819"``, ``0.9`` or ``10000``; counts as ``"50.000"`` (dotted thousands),
``"1,000"`` or ``157``. Everything is read from text into ``Decimal`` or ``int``: a float never
touches a price.
"""

import re
from decimal import Decimal, InvalidOperation

_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_INTEGER = re.compile(r"[-+]?\d+")
_PLAIN_AMOUNT = re.compile(r"\d+(?:\.\d+)?")  # "0.27819": most of a catalog's rates
_TRUE_WORDS = {"1", "true", "yes", "y", "on", "enabled"}


def _text(value) -> str:
    if isinstance(value, float):
        # Only reachable when a caller hands us a float: take its shortest exact spelling.
        return repr(value)
    return str(value).replace("\u00a0", "").replace(" ", "").strip()


def money(value) -> Decimal | None:
    """A price, charge or balance. ``None`` for a missing or empty value.

    A single dot is a decimal point (``"1.000"`` is one unit); several dots are thousands
    separators (``"5.000.000"``); ``"1,234.50"`` and ``"0,90"`` are read the way people write
    them. Anything else is not a number and raises ``ValueError``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _PLAIN_AMOUNT.fullmatch(value):
        return Decimal(value)
    text = _text(value)
    if not text:
        return None
    if text.count(".") > 1 and _DOTTED_THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    elif _COMMA_THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return number


def count(value) -> int | None:
    """A quantity, minimum, maximum, start count or remains. ``None`` when missing or empty.

    Panels write thousands with dots (``"50.000"``) or commas (``"1,000"``); an integral
    decimal (``"1000.00"``) is accepted too.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    text = _text(value)
    if not text:
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DOTTED_THOUSANDS.fullmatch(text):
        return int(text.replace(".", ""))
    if _COMMA_THOUSANDS.fullmatch(text) and "." not in text:
        return int(text.replace(",", ""))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def identifier(value) -> str | None:
    """An order, refill or service id, always as a string: ``23501``, ``"1242"``, ``12.0``."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    text = str(value).strip()
    return text or None


def text(value, most: int) -> str | None:
    """A piece of text a panel sends back (a link, say), stripped and cut at `most`
    characters; ``None`` for anything that is not text, or empty."""
    if not isinstance(value, str):
        return None
    return value.strip()[:most] or None


def flag(value) -> bool:
    """``true``, ``1``, ``"1"``, ``"yes"`` are true; anything else (or nothing) is false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_WORDS
    return False


def flag_or_none(value) -> bool | None:
    """Like ``flag``, but a field the panel does not send at all is ``None``: not known."""
    return None if value is None else flag(value)


def currency(value) -> str | None:
    """``" USD"`` becomes ``"USD"``; an empty or missing currency is ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    return text or None
