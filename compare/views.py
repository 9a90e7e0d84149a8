"""The Compare page and its fragment, an offer's page, curated groups."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from compare import services
from compare.forms import CompareForm, GroupForm, LabelsForm, PinForm
from compare.models import ServiceGroup
from compare.search import MOST_ROWS, ROW_LIMIT, Criteria, compare, equivalent_to
from providers.classify import describe
from providers.models import Service
from providers.services import labels
from scores.cards import offer_card
from smmdash.lib import params
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.charts import rate_history
from smmdash.lib.exports import csv_response
from smmdash.lib.htmx import render_page

manage_required = require(MANAGE_PROVIDERS)
SEARCH_FIELDS = ("q", "platform", "kind", "like", "group")


@view_required
def index(request):
    form = CompareForm(request.GET)
    searched = any(request.GET.get(name) for name in SEARCH_FIELDS)
    criteria = form.criteria()
    if searched and request.GET.get("export") == "csv":
        # Every offer, not the first page's worth; a spreadsheet has no use for the plots.
        return _csv(compare(criteria, limit=None, history=False))
    rows = _rows_asked(request.GET.get("rows"))
    comparison = compare(criteria, limit=rows) if searched else None
    context = {
        "form": form,
        "criteria": criteria,
        "link": form.value("link"),
        "comparison": comparison,
        "understood": describe(comparison.understood) if comparison else "",
        "has_services": searched or Service.objects.filter(active=True).exists(),
    }
    if comparison and comparison.total > len(comparison.offers) and rows < MOST_ROWS:
        context["more_rows"] = min(rows * 2, MOST_ROWS)
    return render_page(request, "compare/index.html", context, partials={"compare-results"})


def _rows_asked(value) -> int:
    """How many rows "show more" asked for: ROW_LIMIT doubled, never past MOST_ROWS."""
    rows = ROW_LIMIT
    asked = int(value) if value and value.isdigit() else ROW_LIMIT
    while rows < min(asked, MOST_ROWS):
        rows *= 2
    return min(rows, MOST_ROWS)


CSV_COLUMNS = [
    "provider",
    "service id",
    "service",
    "category",
    "platform",
    "kind",
    "quality",
    "refill days",
    "geo",
    "rate per 1000",
    "currency",
    "rate per 1000 (base)",
    "cost",
    "cost (base)",
    "min",
    "max",
    "fits",
    "refill",
    "cancel",
    "drip-feed",
    "balance covers",
]


def _csv(comparison):
    def yes_no(value):
        return "" if value is None else ("yes" if value else "no")

    rows = (
        [
            offer.provider.name,
            offer.service.service_id,
            offer.service.name,
            offer.service.category,
            offer.service.platform,
            offer.service.kind,
            offer.service.quality,
            offer.service.refill_days,
            offer.service.geo,
            offer.service.rate,
            offer.provider.currency,
            offer.rate_in_base,
            offer.cost,
            offer.cost_in_base,
            offer.service.min,
            offer.service.max,
            yes_no(offer.fits),
            yes_no(offer.service.offers_refill),
            yes_no(offer.service.cancel),
            yes_no(offer.service.dripfeed),
            yes_no(offer.covers),
        ]
        for offer in comparison.offers
    )
    return csv_response("comparison.csv", CSV_COLUMNS, rows)


# One offer -----------------------------------------------------------------------------------


def _service(pk):
    return get_object_or_404(Service.objects.select_related("provider", "pinned__group"), pk=pk)


@view_required
def offer(request, pk, labels_form=None, pin_form=None):
    service = _service(pk)
    quantity = CompareForm(request.GET).criteria().quantity
    history = list(service.price_history.order_by("changed_at"))
    pinned = getattr(service, "pinned", None)  # None when it is in no group
    context = {
        "service": service,
        "provider": service.provider,
        "described": describe(service.labels),
        "group": pinned.group if pinned else None,
        "chart": rate_history(history, service.rate, timezone.now()),
        "history": history[::-1],
        "quantity": quantity,
        "equivalents": compare(Criteria(like=service, quantity=quantity), limit=25),
        "scorecard": offer_card(
            service, Service.objects.filter(equivalent_to(service)) | Service.objects.filter(pk=pk)
        ),
        "labels_form": labels_form or LabelsForm.of(service),
        "pin_form": pin_form or PinForm(initial={"new_name": describe(service.labels)}),
    }
    return render(request, "compare/offer.html", context)


@manage_required
@require_POST
def offer_labels(request, pk):
    service = _service(pk)
    if "automatic" in request.POST:
        labels.reset_labels(service)
        messages.success(request, _("Labels are read from the name again, at every sync."))
        return redirect("compare:offer", pk=pk)
    form = LabelsForm(request.POST)
    if not form.is_valid():
        return offer(request, pk, labels_form=form)
    labels.fix_labels(service, form.labels(), user=request.user)
    messages.success(request, _("Labels corrected. Syncs keep your correction."))
    return redirect("compare:offer", pk=pk)


@manage_required
@require_POST
def offer_pin(request, pk):
    service = _service(pk)
    if "unpin" in request.POST:
        if hasattr(service, "pinned"):
            group = service.pinned.group
            services.unpin(group, [service])
            messages.success(request, _("Taken out of {group}.").format(group=group))
        return redirect("compare:offer", pk=pk)
    form = PinForm(request.POST)
    if not form.is_valid():
        return offer(request, pk, pin_form=form)
    group = form.cleaned_data["group"]
    try:
        if group is None:
            group = services.create_group(
                form.cleaned_data["new_name"], seed=service, user=request.user
            )
        else:
            services.pin(group, [service], user=request.user)
    except services.GroupProblem as problem:
        form.add_error(None, str(problem))
        return offer(request, pk, pin_form=form)
    messages.success(request, _("Pinned to {group}.").format(group=group))
    return redirect("compare:group", pk=group.pk)


# Curated groups ------------------------------------------------------------------------------


@view_required
def groups(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE_PROVIDERS):
            raise PermissionDenied
        if form.is_valid():
            try:
                group = services.create_group(user=request.user, **form.cleaned_data)
            except services.GroupProblem as problem:
                form.add_error("name", str(problem))
            else:
                messages.success(
                    request, _("Group {group} created: add its members below.").format(group=group)
                )
                return redirect("compare:group", pk=group.pk)
    listed = ServiceGroup.objects.prefetch_related("members__service__provider")
    return render(request, "compare/groups.html", {"groups": listed, "form": form})


@view_required
def group(request, pk):
    chosen = get_object_or_404(ServiceGroup, pk=pk)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE_PROVIDERS):
            raise PermissionDenied
        return _change_group(request, chosen)
    quantity = CompareForm(request.GET).criteria().quantity
    context = {
        "group": chosen,
        "quantity": quantity,
        "comparison": compare(Criteria(group=chosen, quantity=quantity)),
        "inactive": chosen.members.filter(service__active=False).select_related(
            "service__provider"
        ),
        "suggestions": services.suggestions(chosen),
    }
    return render(request, "compare/group.html", context)


def _change_group(request, chosen):
    if "delete" in request.POST:
        chosen.delete()
        messages.success(
            request,
            _("Group {chosen} deleted; its services are matched by name again.").format(
                chosen=chosen
            ),
        )
        return redirect("compare:groups")
    picked = Service.objects.filter(pk__in=params.ids(request.POST.getlist("service")))
    if "remove" in request.POST:
        count = services.unpin(chosen, picked)
        messages.success(
            request,
            ngettext("{count} service taken out.", "{count} services taken out.", count).format(
                count=count
            ),
        )
    else:
        count = services.pin(chosen, picked, user=request.user)
        messages.success(
            request,
            ngettext("{count} service added.", "{count} services added.", count).format(
                count=count
            ),
        )
    return redirect("compare:group", pk=chosen.pk)
