"""Everything smmdash does with orders. Views, admin actions, Celery tasks and management
commands call these functions and nothing else."""

from orders.services.actions import act_on_each, cancel_order, refill_order
from orders.services.mass import lines_from_csv, lines_from_text, place_mass_order
from orders.services.placing import (
    RESENDABLE,
    SUBMIT_TIME_LIMIT,
    OrderActionRefused,
    create_order,
    recover_stalled,
    resolve_not_placed,
    resolve_placed,
    send_again,
    submit,
)
from orders.services.quotes import Quote, quote
from orders.services.tracking import (
    POLL_TIME_LIMIT,
    PollResult,
    dispatch_polls,
    poll_provider,
    refresh_now,
)
from rates.money import expected_cost

__all__ = [
    "POLL_TIME_LIMIT",
    "RESENDABLE",
    "SUBMIT_TIME_LIMIT",
    "OrderActionRefused",
    "PollResult",
    "Quote",
    "act_on_each",
    "cancel_order",
    "create_order",
    "dispatch_polls",
    "expected_cost",
    "lines_from_csv",
    "lines_from_text",
    "place_mass_order",
    "poll_provider",
    "quote",
    "recover_stalled",
    "refill_order",
    "refresh_now",
    "resolve_not_placed",
    "resolve_placed",
    "send_again",
    "submit",
]
