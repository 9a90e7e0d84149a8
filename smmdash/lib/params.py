"""Values read from requests: whatever was typed or crafted, a number or nothing, and a
"next" address that stays on this site.

``str.isdigit()`` says yes to "²" and "٣", which ``int()`` then refuses or reads as another
number, and a 23-digit id overflows SQLite. Every view that reads an id or a count from a
request goes through here, so none of that reaches the database as a server error.
"""

from collections.abc import Iterable

from django.utils.http import url_has_allowed_host_and_scheme

# The largest value of a 64-bit signed integer column: every id smmdash stores fits in one.
MAX_ID = 2**63 - 1


def whole_number(value, *, maximum: int = MAX_ID) -> int | None:
    """`value` as a whole number from 0 to `maximum`, or None if it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
            return None
        number = int(text)
    return number if 0 <= number <= maximum else None


def an_id(value) -> int | None:
    """A database id (1 or more) from request text, or None."""
    number = whole_number(value)
    return number if number else None


def ids(values: Iterable | str, *, limit: int | None = None) -> list[int]:
    """The ids among `values` (a list, or one comma-separated string), in order, each once;
    anything that is not an id is left out."""
    if isinstance(values, str):
        values = values.split(",")
    found = list(dict.fromkeys(number for number in map(an_id, values) if number is not None))
    return found[:limit] if limit is not None else found


def next_url(request, default: str) -> str:
    """The page a form asked to go back to ("next"), if it is on this site; else `default`
    (a URL or a view name). Anything else would make smmdash a redirector to any address."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, request.is_secure()
    ):
        return wanted
    return default
