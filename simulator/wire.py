"""Writing answers the way panels write them, sloppiness included."""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from json.encoder import encode_basestring


@dataclass(frozen=True)
class Reply:
    """An answer sent with another HTTP status than 200, or with headers of its own."""

    data: object
    code: int = 200
    headers: dict | None = None


class Bare(str):
    """A word written without quotes, as in ``"status": Success``."""


def to_json(value, *, trailing_commas: bool = False) -> str:
    # A 10,000-service catalog is 100,000 values: the JSON encoder is called directly, not
    # through json.dumps, and member names are encoded once.
    if isinstance(value, Bare):
        return str(value)
    if value is None or isinstance(value, bool):
        return _LITERALS[value]
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return encode_basestring(value)
    tail = "," if trailing_commas and value else ""
    if isinstance(value, dict):
        members = ",\n".join(
            f"{_member_name(name)}: {to_json(item, trailing_commas=trailing_commas)}"
            for name, item in value.items()
        )
        return "{" + members + tail + "}"
    if isinstance(value, (list, tuple)):
        items = ",\n".join(to_json(item, trailing_commas=trailing_commas) for item in value)
        return "[" + items + tail + "]"
    raise TypeError(f"cannot write {type(value).__name__}")


_LITERALS = {None: "null", True: "true", False: "false"}


@lru_cache(maxsize=1024)
def _member_name(name) -> str:
    return encode_basestring(str(name))


def dotted(number: int) -> str:
    """``50000`` as ``"50.000"``: thousands separated by dots."""
    return f"{number:,}".replace(",", ".")
