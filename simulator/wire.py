"""Writing answers the way panels write them, sloppiness included."""

import json
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Reply:
    """An answer sent with another HTTP status than 200, or with headers of its own."""

    data: object
    code: int = 200
    headers: dict | None = None


class Bare(str):
    """A word written without quotes, as in ``"status": Success``."""


def to_json(value, *, trailing_commas: bool = False) -> str:
    if isinstance(value, Bare):
        return str(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    tail = "," if trailing_commas and value else ""
    if isinstance(value, dict):
        members = ",\n".join(
            f"{json.dumps(str(name))}: {to_json(item, trailing_commas=trailing_commas)}"
            for name, item in value.items()
        )
        return "{" + members + tail + "}"
    if isinstance(value, (list, tuple)):
        items = ",\n".join(to_json(item, trailing_commas=trailing_commas) for item in value)
        return "[" + items + tail + "]"
    raise TypeError(f"cannot write {type(value).__name__}")


def dotted(number: int) -> str:
    """``50000`` as ``"50.000"``: thousands separated by dots."""
    return f"{number:,}".replace(",", ".")
