"""Everything smmdash does with orders. Views, admin actions, Celery tasks and management
commands call these functions and nothing else."""

from orders.services.actions import act_on_each, cancel_order, refill_order
from orders.services.buying import LinkHasOpenOrder, Purchase, buy
from orders.services.mass import place_mass_order
from orders.services.mass_input import as_written, read_box, read_file
from orders.services.overlaps import describe_overlaps, overlaps_of_service
from orders.services.placing import (
    RESENDABLE,
    ClaimFailed,
    OrderActionRefused,
    create_order,
    fail_over,
    recover_stalled,
    send_again,
    submit,
)
from orders.services.quotes import Quote, quote
from orders.services.resolving import (
    CORRECT,
    RESOLVE,
    CheckedId,
    check_panel_id,
    correct_panel_id,
    panel_id_in_doubt,
    reopen,
    resolve_not_placed,
    resolve_placed,
)
from orders.services.spending import spend_totals
from orders.services.tracking import (
    POLL_TIME_LIMIT,
    PollResult,
    dispatch_polls,
    poll_provider,
    refresh_now,
)
from rates.money import expected_cost
from smmdash.lib.send_limits import SUBMIT_TIME_LIMIT

__all__ = [
    "CORRECT",
    "POLL_TIME_LIMIT",
    "RESENDABLE",
    "RESOLVE",
    "SUBMIT_TIME_LIMIT",
    "CheckedId",
    "ClaimFailed",
    "LinkHasOpenOrder",
    "OrderActionRefused",
    "PollResult",
    "Purchase",
    "Quote",
    "act_on_each",
    "as_written",
    "buy",
    "cancel_order",
    "check_panel_id",
    "correct_panel_id",
    "create_order",
    "describe_overlaps",
    "dispatch_polls",
    "expected_cost",
    "fail_over",
    "overlaps_of_service",
    "panel_id_in_doubt",
    "place_mass_order",
    "poll_provider",
    "quote",
    "read_box",
    "read_file",
    "recover_stalled",
    "refill_order",
    "refresh_now",
    "reopen",
    "resolve_not_placed",
    "resolve_placed",
    "send_again",
    "spend_totals",
    "submit",
]
