"""Everything smmdash does for shops. The API view, pages, tasks and commands call these."""

from shops.services.catalog import catalog_for, price_products, remember_quotes, shop_rate
from shops.services.gate import admit, admit_key, forget_old_calls, log_call
from shops.services.intake import Accepted, Refused, accept
from shops.services.keys import create_shop, rotate_key, shop_for_key
from shops.services.ledger import NotEnoughCredit, ledger_sum, top_up
from shops.services.requests import NotPossible, ask_cancel, ask_panel, ask_refill, refill_word
from shops.services.routing import route
from shops.services.settling import Answer, follow, followed, followed_for_answers, settle_due
from shops.services.tick import tick

__all__ = [
    "Accepted",
    "Answer",
    "NotEnoughCredit",
    "NotPossible",
    "Refused",
    "accept",
    "admit",
    "admit_key",
    "ask_cancel",
    "ask_panel",
    "ask_refill",
    "catalog_for",
    "create_shop",
    "follow",
    "followed",
    "followed_for_answers",
    "forget_old_calls",
    "ledger_sum",
    "log_call",
    "price_products",
    "refill_word",
    "remember_quotes",
    "rotate_key",
    "route",
    "settle_due",
    "shop_for_key",
    "shop_rate",
    "tick",
    "top_up",
]
