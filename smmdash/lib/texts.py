"""Words kept to be written later, in the language of whoever reads them.

Something stored now and read later by people of either language (an alert's title and detail)
is stored as its English message and the values that go into it, not as finished text: `text`
makes that pair (plain JSON), `render` writes it in the active language, amounts, numbers and
times formatted the language's way. Mark each message with gettext_noop, so makemessages puts
it in the catalog.
"""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext, ngettext

from smmdash.lib.numbers import amount_text, decimal_text, rate_text


def text(message: str, **args) -> dict:
    """`message` (English, with {name} placeholders) and the values of its placeholders."""
    return {"text": message, "args": {name: _stored(value) for name, value in args.items()}}


def ngettext_noop(singular: str, plural_message: str) -> tuple[str, str]:
    """Marks a plural for the catalog (smmdash's makemessages knows the name), for `plural`."""
    return singular, plural_message


def plural(forms: tuple[str, str], count: int, **args) -> dict:
    """A message with a singular and a plural (from ngettext_noop), chosen by `count`, which
    is also its {count}."""
    stored = text(forms[0], count=count, **args)
    stored["plural"] = forms[1]
    return stored


def money(amount: Decimal, currency: str) -> dict:
    """An amount (a balance, a cost), written as smmdash.lib.numbers writes amounts."""
    return {"money": str(amount), "currency": currency or ""}


def rate(value: Decimal, currency: str) -> dict:
    """A price per 1000, written as smmdash.lib.numbers writes rates."""
    return {"rate": str(value), "currency": currency or ""}


def number(value, places: int) -> dict:
    """A number rounded to `places` decimals, with the language's separators."""
    return {"number": str(value), "places": places}


def render(stored: dict) -> str:
    """The stored message in the active language."""
    if "plural" in stored:
        message = ngettext(stored["text"], stored["plural"], stored["args"]["count"])
    else:
        message = gettext(stored["text"])
    args = {name: _shown(value) for name, value in stored.get("args", {}).items()}
    try:
        return message.format(**args)
    except (KeyError, IndexError, ValueError):
        # A catalog entry that lost a placeholder: the English message still reads right.
        return stored["text"].format(**args)


def strings_in(stored: dict, change) -> dict:
    """The message with `change` applied to every string value in it (to mask secrets)."""
    args = {}
    for name, value in stored.get("args", {}).items():
        if isinstance(value, str):
            value = change(value)
        elif isinstance(value, dict) and "text" in value:
            value = strings_in(value, change)
        args[name] = value
    return {**stored, "args": args}


def _stored(value):
    if isinstance(value, datetime):
        return {"time": value.isoformat()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(value):
    if not isinstance(value, dict):
        return value
    if "text" in value:
        return render(value)
    if "money" in value:
        return amount_text(Decimal(value["money"]), value["currency"])
    if "rate" in value:
        return rate_text(Decimal(value["rate"]), value["currency"])
    if "number" in value:
        return decimal_text(Decimal(value["number"]), value["places"])
    if "time" in value:
        return datetime.fromisoformat(value["time"])
    return value
