"""Everything smmdash does for shops. The API view, pages, tasks and commands call these."""

from shops.services.catalog import catalog_for, price_products, remember_quotes, shop_rate
from shops.services.gate import (
    address_wait,
    admit,
    admit_key,
    count_wrong_key,
    forget_old_calls,
    log_call,
)
from shops.services.intake import Accepted, Refused, accept
from shops.services.keys import create_shop, rotate_key, shop_for_key
from shops.services.ledger import NotEnoughCredit, ledger_sum, top_up
from shops.services.requests import NotPossible, ask_cancel, ask_panel, ask_refill, refill_word
from shops.services.routing import route
from shops.services.settling import (
    Answer,
    follow,
    followed,
    followed_for_answers,
    newest_read,
    settle_due,
    shown_answer,
)
from shops.services.tick import tick

__all__ = [
    "Accepted",
    "Answer",
    "NotEnoughCredit",
    "NotPossible",
    "Refused",
    "accept",
    "address_wait",
    "admit",
    "admit_key",
    "ask_cancel",
    "ask_panel",
    "ask_refill",
    "catalog_for",
    "count_wrong_key",
    "create_shop",
    "follow",
    "followed",
    "followed_for_answers",
    "forget_old_calls",
    "ledger_sum",
    "log_call",
    "newest_read",
    "price_products",
    "refill_word",
    "remember_quotes",
    "rotate_key",
    "route",
    "settle_due",
    "shop_for_key",
    "shop_rate",
    "shown_answer",
    "tick",
    "top_up",
]
