"""One order's page and the staff actions on it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import services
from orders.forms import ResolveForm
from orders.models import Order
from rates.money import rates_to_base, to_base
from smmdash.lib.access import PLACE_ORDERS, require, view_required
from smmdash.lib.htmx import render_page

place_required = require(PLACE_ORDERS)


def _order(pk):
    return get_object_or_404(
        Order.objects.select_related(
            "provider", "service__provider", "placed_by", "previous_attempt__provider"
        ),
        pk=pk,
    )


@view_required
def detail(request, pk, resolve_form=None):
    order = _order(pk)
    rates = rates_to_base()
    context = {
        "order": order,
        "events": order.events.select_related("actor"),
        "refills": order.refills.select_related("requested_by"),
        "resolve_form": resolve_form or ResolveForm(),
        "expected_in_base": to_base(order.expected_cost, order.currency, rates),
        "charge_in_base": to_base(order.charge, order.currency, rates),
        "balance_drop": _balance_drop(order),
        "resendable": services.RESENDABLE,
        **_failover(order),
    }
    return render_page(request, "orders/detail.html", context, partials={"order-live"})


# Orders that did not reach the panel, or were refused there: placing the same elsewhere is
# safe. An order needing checking is not one of them: it may have been placed after all.
REPLACEABLE = {
    Order.Status.QUEUED,
    Order.Status.NOT_SENT,
    Order.Status.REJECTED,
    Order.Status.NOT_PLACED,
    Order.Status.FAILED,
}


def _failover(order):
    moved_to = Order.objects.filter(previous_attempt=order).select_related("provider").first()
    if moved_to is not None:
        return {"problem": None, "moved_to": moved_to}
    if order.status not in REPLACEABLE:
        return {"problem": None}
    runs = order.extra.get("runs") or 1
    refused = order.status == Order.Status.REJECTED
    quoted = services.quote(order.service, order.quantity, runs, refused_by_panel=refused)
    return {"problem": quoted.problem, "alternatives": quoted.alternatives}


def _balance_drop(order):
    if order.balance_before is None or order.balance_after is None:
        return None
    return order.balance_before - order.balance_after


@view_required
@require_POST
def refresh(request, pk):
    order = _order(pk)
    for result in services.refresh_now([order]):
        if result.skipped or result.error:
            messages.warning(request, str(result))
    return redirect("orders:detail", pk=pk)


def _staff_action(request, pk, act, done):
    order = _order(pk)
    try:
        act(order, request.user)
    except services.OrderActionRefused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, done)
    return redirect("orders:detail", pk=pk)


@place_required
@require_POST
def cancel(request, pk):
    done = "The panel accepted the cancel; the order's status will follow."
    return _staff_action(request, pk, services.cancel_order, done)


@place_required
@require_POST
def refill(request, pk):
    return _staff_action(request, pk, services.refill_order, "The panel accepted the refill.")


@place_required
@require_POST
def not_placed(request, pk):
    done = "Recorded as not placed. Nothing will be tracked for it."
    return _staff_action(request, pk, services.resolve_not_placed, done)


@place_required
@require_POST
def send_again(request, pk):
    return _staff_action(request, pk, services.send_again, "Queued to be sent again.")


@place_required
@require_POST
def resolve(request, pk):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, resolve_form=form)
    panel_id = form.cleaned_data["provider_order_id"]
    order = _order(pk)
    try:
        placed = services.resolve_placed(order, panel_id, request.user)
    except services.OrderActionRefused as problem:
        messages.error(request, str(problem))
        return redirect("orders:detail", pk=pk)
    results = services.refresh_now([placed])
    messages.success(
        request,
        _("Recorded as placed with the panel's id {panel_id}; tracking it now.").format(
            panel_id=panel_id
        ),
    )
    for result in results:
        if result.error:
            messages.warning(
                request,
                _("Its status could not be read yet: {result_error}").format(
                    result_error=result.error
                ),
            )
    return redirect("orders:detail", pk=pk)
