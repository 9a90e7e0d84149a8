"""The Spend page and its CSV, the orders behind a difference, and top-ups."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.models import Order
from orders.services.spending import NOTHING_SPENT, REFUNDING, charge_differs, expected_final
from providers.models import Provider
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.days import day_start
from smmdash.lib.exports import csv_response
from smmdash.lib.htmx import render_page
from smmdash.lib.numbers import amount_text
from spend import services
from spend.forms import SpendFilter, TopUpForm
from spend.models import TopUp

MAX_DIFFERENCES = 500


@view_required
def index(request):
    filters = SpendFilter(request.GET or None)
    period, bucket, provider_ids = filters.chosen()
    report = services.report(
        period, bucket=bucket, provider_ids=provider_ids, base_currency=settings.BASE_CURRENCY
    )
    if request.GET.get("export") == "csv":
        return _csv(report)
    lines = [line.provider for line in report.providers]
    context = {
        "filters": filters,
        "report": report,
        "chart": report.chart(),
        "runways": services.runways(lines),
        "query": request.GET.urlencode(),
        "top_up_form": TopUpForm(initial={"provider": provider_ids[0] if provider_ids else None}),
        "any_providers": bool(lines) or Provider.objects.exists(),
    }
    return render_page(request, "spend/index.html", context, partials={"spend-report"})


CSV_HEADER = [
    "period start",
    "provider",
    "currency",
    "orders",
    "spent",
    "refunded",
    "estimated (no charge reported)",
    "charged less expected",
    f"spent ({settings.BASE_CURRENCY})",
    f"shops paid ({settings.BASE_CURRENCY})",
    f"shops' orders cost ({settings.BASE_CURRENCY})",
    f"shops' margin ({settings.BASE_CURRENCY})",
]


def _csv(report):
    """One row per provider and day, week or month of the period that had orders, with what
    shops paid for the orders placed there; shop orders not placed yet in rows of their own."""
    rows = []
    for line in report.providers:
        cells = report.cells.get(line.provider.pk, {})
        shop_cells = report.shop_cells.get(line.provider.pk, {})
        for start in sorted(set(cells) | set(shop_cells)):
            own, spent_in_base = cells.get(start, (None, None))
            rows.append(
                [
                    start.isoformat(),
                    line.provider.name,
                    *_own_columns(own, line.provider.currency),
                    "" if spent_in_base is None else spent_in_base,
                    *_shop_columns(shop_cells.get(start)),
                ]
            )
    for start, shop_figures in sorted(report.shop_cells.get(None, {}).items()):
        blank = [""] * (len(CSV_HEADER) - 5)
        label = "(shop orders not placed yet)"
        rows.append([start.isoformat(), label, *blank, *_shop_columns(shop_figures)])
    name = f"smmdash-spend-{report.period.start}-{report.period.end}.csv"
    return csv_response(name, CSV_HEADER, rows)


def _own_columns(own, currency) -> list:
    if own is None:  # only shops' orders, placed here but not yet counted in the rollups
        return [currency, 0, 0, 0, 0, 0]
    return [own.currency, own.orders, own.spent, own.refunded, own.estimated, own.difference]


def _shop_columns(figures) -> list:
    if figures is None:
        return ["", "", ""]
    cost = "" if figures.unpriced else figures.cost
    margin = "" if figures.unpriced else figures.margin
    return [figures.revenue, cost, margin]


@view_required
def differences(request):
    """The orders whose panel charge is not what smmdash expected, in the Spend page's
    period and provider."""
    filters = SpendFilter(request.GET or None)
    period, _, provider_ids = filters.chosen()
    orders = (
        Order.objects.filter(
            created_at__gte=day_start(period.start),
            created_at__lt=day_start(period.end + timedelta(days=1)),
            charge__isnull=False,
        )
        .exclude(status__in=[*NOTHING_SPENT, Order.Status.UNKNOWN])
        .filter(~Q(charge=F("expected_cost")) | Q(status__in=REFUNDING))
        .select_related("provider")
        .order_by("-created_at", "-id")
    )
    if provider_ids:
        orders = orders.filter(provider__in=provider_ids)
    found = []
    for order in orders.iterator(2000):
        expected = expected_final(
            {
                name: getattr(order, name)
                for name in ("status", "expected_cost", "remains", "quantity", "extra")
            }
        )
        if charge_differs(order.charge, expected):
            order.expected_final, order.difference = expected, order.charge - expected
            found.append(order)
            if len(found) >= MAX_DIFFERENCES:
                break
    context = {
        "filters": filters,
        "period": period,
        "orders": found,
        "limit": MAX_DIFFERENCES,
        "query": request.GET.urlencode(),
    }
    return render(request, "spend/differences.html", context)


@require(MANAGE_PROVIDERS)
@require_POST
def top_up_new(request):
    form = TopUpForm(request.POST)
    if form.is_valid():
        top_up = services.record_top_up(
            form.cleaned_data["provider"],
            amount=form.cleaned_data["amount"],
            at=form.cleaned_data["at"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(
            request,
            _("Top-up of {top_up} into {top_up_provider} recorded.").format(
                top_up=amount_text(top_up.amount, top_up.currency),
                top_up_provider=top_up.provider,
            ),
        )
        return redirect("spend:index")
    return render(request, "spend/top_up.html", {"form": form, "top_up": None}, status=400)


@require(MANAGE_PROVIDERS)
def top_up_edit(request, pk):
    top_up = get_object_or_404(TopUp.objects.select_related("provider"), pk=pk)
    form = TopUpForm(request.POST or None, instance=top_up, correcting=True)
    if request.method == "POST" and form.is_valid():
        services.correct_top_up(
            top_up,
            amount=form.cleaned_data["amount"],
            at=form.cleaned_data["at"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(
            request,
            _("Top-up into {top_up_provider} corrected.").format(top_up_provider=top_up.provider),
        )
        return redirect("spend:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "spend/top_up.html", {"form": form, "top_up": top_up}, status=status)


@require(MANAGE_PROVIDERS)
@require_POST
def top_up_delete(request, pk):
    top_up = get_object_or_404(TopUp, pk=pk)
    top_up.delete()
    messages.success(
        request,
        _("Top-up of {top_up} into {top_up_provider} removed.").format(
            top_up=amount_text(top_up.amount, top_up.currency),
            top_up_provider=top_up.provider,
        ),
    )
    return redirect("spend:index")
