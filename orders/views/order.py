"""One order's page and the staff actions on it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import services
from orders.forms import OrderForm, PanelIdForm, ReopenForm
from orders.links import link_key
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


# The fragments a request may target: the live part of the page, and the two steps of giving
# the panel's id (the form, then what the panel said) when resolving and when correcting it.
PARTIALS = {"order-live", "resolve-box", "panel-id-correct"}


@view_required
def detail(request, pk):
    return _page(request, _order(pk))


def _page(request, order, **state):
    """The order's page (or the fragment an htmx request targets), with `state` overriding
    the forms and carrying a checked id to confirm."""
    rates = rates_to_base()
    in_doubt = services.panel_id_in_doubt(order)
    events = list(order.events.select_related("actor"))
    context = {
        "order": order,
        "extra": _extra_shown(order),
        "events": events,
        "refills": order.refills.select_related("requested_by"),
        "resolve_form": PanelIdForm(),
        "panel_id_in_doubt": in_doubt,
        "correct_form": PanelIdForm(correcting=True, prefix="correct"),
        "reopen_form": ReopenForm(
            prefix="reopen", initial={"seen_panel_id": order.provider_order_id}
        ),
        "reopened": _reopened(order, events),
        "checked": None,
        "expected_in_base": to_base(order.expected_cost, order.currency, rates),
        "charge_in_base": to_base(order.charge, order.currency, rates),
        "balance_drop": _balance_drop(order),
        "resendable": services.RESENDABLE,
        **_failover(order),
        **state,
    }
    checked = context["checked"]
    if checked is not None:
        said = checked.answer
        context["checked_currency"] = said.currency or order.currency
        context["checked_link_differs"] = bool(said.link) and link_key(said.link) != order.link_key
    return render_page(request, "orders/detail.html", context, partials=PARTIALS)


def _extra_shown(order) -> list[tuple[str, str]]:
    """The order's extra fields (username, comments...) as (label, value), labelled as the order
    form labels them, in the page's language; runs and interval are shown apart."""
    fields = OrderForm.base_fields
    return [
        (fields[name].label if name in fields else name.capitalize(), value)
        for name, value in order.extra.items()
        if name not in ("runs", "interval")
    ]


def _reopened(order, events):
    """The staff action that reopened an order that needs checking, if that is how it came to."""
    if not order.needs_checking:
        return None
    return next((event for event in reversed(events) if event.data.get("reopened")), None)


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
def check_panel_id(request, pk):
    """Step one of giving the panel's id: check its shape, ask the panel, and show what the
    panel said (or why it cannot be this order's id) for staff to confirm. Changes nothing."""
    order = _order(pk)
    correcting = request.POST.get("purpose") == services.CORRECT
    prefix = "correct" if correcting else None
    form_name = "correct_form" if correcting else "resolve_form"
    if request.POST.get("back"):
        return _page(request, order, **{form_name: _form_again(order, request, correcting)})
    form = PanelIdForm(request.POST, correcting=correcting, prefix=prefix)
    checked = None
    if form.is_valid():
        try:
            checked = services.check_panel_id(
                order,
                form.cleaned_data["provider_order_id"],
                purpose=services.CORRECT if correcting else services.RESOLVE,
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.OrderActionRefused as problem:
            form.add_error("provider_order_id", str(problem))
    return _page(request, order, **{form_name: form, "checked": checked})


def _form_again(order, request, correcting):
    """The form as staff filled it before the panel was asked ("Back")."""
    try:
        checked = services.CheckedId.from_signed(
            order, request.POST.get("checked", ""), fresh_only=False
        )
    except services.OrderActionRefused:
        typed = {}
    else:
        typed = {"provider_order_id": checked.panel_id, "reason": checked.reason}
    return PanelIdForm(
        correcting=correcting, prefix="correct" if correcting else None, initial=typed
    )


@place_required
@require_POST
def resolve(request, pk):
    """Step two: staff confirm what the panel said, and the id is recorded."""
    done = _("Recorded as placed with the panel's id {panel_id}; tracking it now.")
    return _confirm(request, pk, services.resolve_placed, done)


@place_required
@require_POST
def correct_panel_id(request, pk):
    done = _("The panel's order id is now {panel_id}; tracking it from there.")
    return _confirm(request, pk, services.correct_panel_id, done)


def _confirm(request, pk, record, done):
    order = _order(pk)
    try:
        checked = services.CheckedId.from_signed(order, request.POST.get("checked", ""))
        record(order, checked, request.user)
    except services.OrderActionRefused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, done.format(panel_id=checked.panel_id))
    return redirect("orders:detail", pk=pk)


@place_required
@require_POST
def reopen(request, pk):
    order = _order(pk)
    form = ReopenForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _page(request, order, reopen_form=form)
    try:
        services.reopen(
            order,
            form.cleaned_data["reason"],
            request.user,
            seen_panel_id=form.cleaned_data["seen_panel_id"],
        )
    except services.OrderActionRefused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, _("Reopened: it needs checking. Record what you find at the panel.")
        )
    return redirect("orders:detail", pk=pk)
