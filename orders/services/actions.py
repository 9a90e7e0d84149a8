"""Cancel and refill: asked of the panel once, on staff's behalf, and logged with who asked."""

from django.utils import timezone

from orders.models import Order, Refill
from orders.services.events import Kind, record, request_data
from orders.services.placing import OrderActionRefused
from orders.services.rollups import mark_due
from panel import (
    ActionNotSupported,
    OrderOutcomeUnknown,
    ProviderError,
    ProviderUnreachable,
)
from providers.services import ProviderProblem, open_client


def cancel_order(order: Order, user) -> None:
    """Ask the panel to cancel `order`. Raises OrderActionRefused with the reason for staff."""
    if not order.can_cancel:
        raise OrderActionRefused(_why_not(order, "cancel"))
    _ask(order, user, "cancel")
    # The panel's own status says when the cancel went through: check it first next time.
    Order.objects.filter(pk=order.pk).update(
        status_checked_at=None, cancel_requested_at=timezone.now()
    )
    mark_due([order])


def refill_order(order: Order, user) -> Refill:
    if not order.can_refill:
        raise OrderActionRefused(_why_not(order, "refill"))
    refill_id = _ask(order, user, "refill")
    refill = Refill.objects.create(order=order, refill_id=refill_id or "", requested_by=user)
    mark_due([order])
    if not refill_id:
        refill.error = "The panel gives no refill id, so this refill cannot be followed here."
        refill.save(update_fields=["error"])
    return refill


def act_on_each(orders, action: str, user) -> tuple[int, list[tuple[Order, str]]]:
    """Cancel or refill each of `orders`; returns how many the panels accepted, and the others
    with the reason each was not."""
    act = {"cancel": cancel_order, "refill": refill_order}[action]
    accepted, refused = 0, []
    for order in orders:
        try:
            act(order, user)
        except OrderActionRefused as problem:
            refused.append((order, str(problem)))
        else:
            accepted += 1
    return accepted, refused


def _ask(order, user, action):
    provider = order.provider
    record(
        order,
        Kind.REQUEST,
        f"Asked the panel to {action} (by {user})",
        actor=user,
        data=request_data(action, order=order.provider_order_id),
    )
    problem = None
    try:
        with open_client(provider, interactive=True) as client:
            answer = getattr(client, action)(order.provider_order_id)
    except ActionNotSupported as missing:
        problem = f"{provider} has no {action} (the panel says “{missing.message}”)."
    except ProviderError as refusal:
        problem = f"The panel refused: {refusal.message}"
    except OrderOutcomeUnknown as lost:
        problem = (
            f"No answer from the panel ({lost}). The {action} may or may not have reached "
            "it: the order's status will tell. It is not asked again on its own."
        )
    except ProviderUnreachable as unreachable:
        problem = f"Nothing reached the panel ({unreachable}). Try again in a moment."
    except ProviderProblem as broken:
        problem = str(broken)
    if problem is not None:
        record(order, Kind.ERROR, f"{action.capitalize()}: {problem}", actor=user)
        raise OrderActionRefused(problem)
    done = f"The panel accepted the {action}"
    if action == "refill" and answer:
        done += f": refill id {answer}"
    record(order, Kind.ANSWER, done, actor=user, at=timezone.now())
    return answer


def _why_not(order, action) -> str:
    capability = order.provider.capabilities.get(action)
    if capability is False:
        return f"{order.provider} has no {action}."
    flag = getattr(order.service, action)
    if flag is False:
        return f"This service does not offer {action}."
    state = order.get_status_display().lower()
    if action == "cancel":
        return (
            f"Only an order the panel is still working on can be cancelled (this one is {state})."
        )
    return f"Only a completed or partial order can be refilled (this one is {state})."
