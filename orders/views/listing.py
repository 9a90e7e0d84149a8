"""The order list: filters, sorting, CSV, live cells and bulk actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from orders import services
from orders.forms import OrderFilter
from orders.models import Order
from rates.money import rates_to_base, to_base
from smmdash.lib import params
from smmdash.lib.access import PLACE_ORDERS, view_required
from smmdash.lib.exports import csv_response
from smmdash.lib.htmx import render_page

PAGE_SIZE = 50
MAX_BULK = 500


@view_required
def index(request):
    filters = OrderFilter(request.GET or None)
    orders = filters.apply(Order.objects.select_related("provider", "next_attempt"))
    if request.GET.get("export") == "csv":
        return _csv(orders)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rates = rates_to_base()
    for order in page:
        order.cost_in_base = to_base(order.expected_cost, order.currency, rates)
    context = {
        "totals": services.spend_totals(orders, rates),
        "filters": filters,
        "page": page,
        "sort": filters.value("sort", "-created"),
        "open_ids": [order.pk for order in page if order.is_open],
        "needs_checking": Order.objects.filter(status=Order.Status.UNKNOWN).count(),
        "any_orders": page.paginator.count or Order.objects.exists(),
    }
    return render_page(request, "orders/index.html", context, partials={"order-results"})


@view_required
def live(request):
    """The open rows' status and progress, from the database, for the list to swap in place."""
    ids = params.ids(request.GET.get("ids", ""), limit=PAGE_SIZE)
    orders = list(
        Order.objects.select_related("next_attempt")
        .filter(pk__in=ids)
        .order_by("-created_at", "-id")
    )
    context = {"orders": orders, "open_ids": [order.pk for order in orders if order.is_open]}
    return render(request, "orders/index.html#live-cells", context)


@view_required
@require_POST
def bulk(request):
    action = request.POST.get("action")
    ids = params.ids(request.POST.getlist("ids"), limit=MAX_BULK)
    orders = list(Order.objects.select_related("provider", "service").filter(pk__in=ids))
    if not orders:
        messages.warning(request, _("Tick the orders to act on first."))
    elif action == "refresh":
        _refresh(request, orders)
    elif action in ("cancel", "refill"):
        if not request.user.has_perm(PLACE_ORDERS):
            messages.error(request, ACTION_WORDING[action]["forbidden"])
        else:
            _act(request, orders, action)
    return redirect(params.next_url(request, "orders:index"))


def _refresh(request, orders):
    results = services.refresh_now(orders)
    if not results:
        messages.info(request, _("None of those orders is open at a panel, so none was checked."))
    for result in results:
        level = messages.WARNING if result.skipped or result.error else messages.SUCCESS
        messages.add_message(request, level, str(result))


# Whole sentences per action, so each language can word them its own way.
def _accepted_text(action, count):
    if action == "cancel":
        text = ngettext(
            "The panels accepted cancelling {count} order.",
            "The panels accepted cancelling {count} orders.",
            count,
        )
    else:
        text = ngettext(
            "The panels accepted refilling {count} order.",
            "The panels accepted refilling {count} orders.",
            count,
        )
    return text.format(count=count)


ACTION_WORDING = {
    "cancel": {
        "refused": _lazy("Not cancelled #{pk}: {reason}"),
        "more": _lazy("... and {count} more not cancelled."),
        "forbidden": _lazy("You cannot cancel orders: that needs the Place orders role."),
    },
    "refill": {
        "refused": _lazy("Not refilled #{pk}: {reason}"),
        "more": _lazy("... and {count} more not refilled."),
        "forbidden": _lazy("You cannot refill orders: that needs the Place orders role."),
    },
}


def _act(request, orders, action):
    accepted, refused = services.act_on_each(orders, action, request.user)
    wording = ACTION_WORDING[action]
    if accepted:
        messages.success(request, _accepted_text(action, accepted))
    for order, reason in refused[:10]:
        messages.warning(request, wording["refused"].format(pk=order.pk, reason=reason))
    if len(refused) > 10:
        messages.warning(
            request,
            wording["more"].format(count=len(refused) - 10),
        )


CSV_HEADER = [
    "id", "created_at", "provider", "provider_order_id", "service_id", "service", "link",
    "quantity", "status", "panel_status", "rate_per_1000", "expected_cost", "charge", "currency",
    "start_count", "remains", "placed_by", "last_error",
]  # fmt: skip


def _csv(orders):
    rows = (
        [
            order.pk,
            order.created_at.isoformat(),
            order.provider.name,
            order.provider_order_id,
            order.service_ref,
            order.service_name,
            order.link,
            order.quantity,
            order.status,
            order.raw_status,
            order.rate,
            order.expected_cost,
            order.charge,
            order.currency,
            order.start_count,
            order.remains,
            order.placed_by.get_username() if order.placed_by else "",
            order.last_error,
        ]
        for order in orders.select_related("placed_by").iterator(chunk_size=2000)
    )
    return csv_response("orders.csv", CSV_HEADER, rows)
