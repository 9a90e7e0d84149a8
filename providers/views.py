"""The provider pages and their htmx fragments."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from providers import encryption, services
from providers.catalog_filters import SHOW, SORTS, CatalogFilter
from providers.compatibility import compatibility
from providers.forms import ProviderForm
from providers.models import RECENT, CatalogSync, Provider
from smmdash.lib import params
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.charts import time_series
from smmdash.lib.exports import csv_response
from smmdash.lib.htmx import render_page
from smmdash.lib.numbers import amount_text

manage_required = require(MANAGE_PROVIDERS)


@view_required
def index(request):
    # The health badge reads each provider's order-polling state ("polling", kept by orders).
    context = {"providers": Provider.objects.select_related("polling")}
    return render_page(request, "providers/index.html", context, partials={"provider-table"})


@view_required
def detail(request, pk):
    provider = get_object_or_404(Provider.objects.select_related("polling"), pk=pk)
    syncs = list(provider.syncs.select_related("requested_by")[:15])
    latest_sync = syncs[0] if syncs else None
    if request.htmx and request.htmx.target == "sync-status":
        # The progress card polls every second: answer it without the rest of the page's work.
        if request.GET.get("watching") and not (latest_sync and latest_sync.in_progress):
            # The sync being watched has finished: reload the page for its log and catalog.
            return HttpResponseClientRefresh()
        context = {"provider": provider, "latest_sync": latest_sync}
        return render_page(request, "providers/detail.html", context, partials={"sync-status"})

    recent = timezone.now() - RECENT
    summary = provider.services.aggregate(
        active_count=Count("pk", filter=Q(active=True)),
        inactive_count=Count("pk", filter=Q(active=False)),
        repriced_count=Count("pk", filter=Q(rate_changed_at__gt=recent)),
        refill_count=Count("pk", filter=Q(active=True, refill=True)),
    )
    categories = (
        provider.services.filter(active=True)
        .values("category")
        .annotate(services=Count("pk"))
        .order_by("-services", "category")[:8]
    )
    history = list(provider.balances.values_list("taken_at", "amount")[:500])
    context = {
        "provider": provider,
        "summary": summary,
        "categories": categories,
        "syncs": syncs,
        "latest_sync": latest_sync,
        "balance_chart": balance_chart(provider, history[::-1]),
        "recent_orders": provider.orders.all()[:8],
        "compatibility": compatibility(provider, summary["refill_count"]),
    }
    return render_page(request, "providers/detail.html", context)


def balance_chart(provider, history) -> dict | None:
    """The balance plot's data (oldest first), for static/js/charts.js; None under two readings."""
    if len(history) < 2:
        return None
    return time_series(history, label=_("Balance"), currency=provider.currency)


@manage_required
@sensitive_post_parameters("api_key")
def add(request):
    return _edit(request, Provider())


@manage_required
@sensitive_post_parameters("api_key")
def edit(request, pk):
    return _edit(request, get_object_or_404(Provider, pk=pk))


def _edit(request, provider):
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        check = None
        if form.needs_connection_test:
            try:
                api_key = form.key_to_test()
                check = services.check_connection(form.cleaned_data["api_url"], api_key)
            except encryption.KeyNotDecryptable:
                pass  # the form now says so on the key field
            except services.ProviderAddressRefused as problem:
                form.add_error("api_url", str(problem))
            except services.ProviderProblem as problem:
                form.connection_failed(str(problem))
        form.check_currency(check and check.balance)
        if not form.errors and not form.blocked_by_connection:
            return _save(request, form, check)
    return render(request, "providers/form.html", {"form": form, "provider": provider})


def _save(request, form, check):
    adding = form.adding
    provider = services.save_provider(
        form.save(commit=False),
        api_key=form.cleaned_data["api_key"],
        check=check,
        relearn=form.needs_connection_test,
    )
    balance = check and check.balance
    if adding and provider.enabled:
        services.request_sync(provider, CatalogSync.Trigger.NEW_PROVIDER, request.user)
    if balance is None and form.connection_error:
        messages.warning(
            request,
            _("Saved {provider} without a working connection: {form_connection_error}").format(
                provider=provider, form_connection_error=form.connection_error
            ),
        )
    elif balance is not None:
        amount = amount_text(balance.amount, provider.currency)
        syncing = " Its catalog is syncing now." if adding else ""
        messages.success(
            request,
            _("Connected to {provider}: balance {amount}.{syncing}").format(
                provider=provider, amount=amount, syncing=syncing
            ),
        )
    else:
        messages.success(request, _("Saved {provider}.").format(provider=provider))
    if form.same_panel:
        names = ", ".join(str(other) for other in form.same_panel)
        messages.warning(
            request,
            ngettext(
                "{names} uses the same panel with another key: fine for a second account "
                "there, but check it is not the same one under another key, or its balance "
                "and offers count twice.",
                "{names} use the same panel with another key: fine for a second account "
                "there, but check none is the same one under another key, or its balance "
                "and offers count twice.",
                len(form.same_panel),
            ).format(names=names),
        )
    return redirect("providers:detail", pk=provider.pk)


@manage_required
def delete(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    if request.method == "POST":
        try:
            provider.delete()
        except ProtectedError:
            Provider.objects.filter(pk=pk).update(enabled=False)
            messages.warning(
                request,
                _(
                    "{provider} has orders, so it was disabled instead of "
                    "deleted: its orders and their history stay."
                ).format(provider=provider),
            )
            return redirect("providers:detail", pk=pk)
        messages.success(
            request, _("Deleted {provider} and its cached catalog.").format(provider=provider)
        )
        return redirect("providers:index")
    context = {"provider": provider, "has_orders": provider.orders.exists()}
    return render(request, "providers/delete.html", context)


@manage_required
@require_POST
def toggle(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    provider.enabled = not provider.enabled
    provider.save(update_fields=["enabled", "updated_at"])
    state = _("enabled: it is synced and polled again") if provider.enabled else _("disabled")
    messages.success(request, _("{provider} is {state}.").format(provider=provider, state=state))
    return redirect("providers:detail", pk=pk)


@view_required
@require_POST
def refresh_balance(request, pk):
    """Ask the panel now ("refresh now"); answers the balance fragment for HTMX."""
    provider = get_object_or_404(Provider, pk=pk)
    error = too_soon = None
    try:
        services.refresh_balance_by_hand(provider)
    except services.ProviderProblem as problem:
        error = str(problem)
    except services.TooSoon as problem:
        # Nothing went wrong: the panel was not asked again so soon.
        too_soon = _(
            "Not asked again so soon: the balance was read less than a minute ago. "
            "It can be refreshed again in {seconds} s."
        ).format(seconds=problem.wait_seconds)
    if not request.htmx:
        if error:
            messages.error(
                request,
                _("Could not read the balance of {provider}: {error}").format(
                    provider=provider, error=error
                ),
            )
        elif too_soon:
            messages.info(
                request, _("{provider}: {problem}").format(provider=provider, problem=too_soon)
            )
        return redirect(params.next_url(request, "providers:index"))
    context = {
        "provider": provider,
        "error": error,
        "too_soon": too_soon,
        "compact": request.POST.get("compact"),
    }
    return render(request, "providers/_balance.html#balance", context)


@view_required
@require_POST
def sync(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    too_soon = None
    try:
        latest_sync = services.request_sync(provider, CatalogSync.Trigger.MANUAL, request.user)
    except services.TooSoon as problem:
        too_soon, latest_sync = str(problem), provider.syncs.first()
    if not request.htmx:
        if too_soon:
            messages.warning(request, too_soon)
        elif latest_sync.waiting_for_workers:
            messages.warning(
                request,
                _(
                    "Catalog sync of {provider} queued. The background workers cannot be "
                    "reached right now: it starts once they can."
                ).format(provider=provider),
            )
        else:
            messages.info(
                request, _("Catalog sync of {provider} queued.").format(provider=provider)
            )
        return redirect("providers:detail", pk=pk)
    context = {"provider": provider, "latest_sync": latest_sync, "too_soon": too_soon}
    return render(request, "providers/detail.html#sync-status", context)


@view_required
def catalog(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    categories = (
        provider.services.order_by("category").values_list("category", flat=True).distinct()
    )
    filters = CatalogFilter(request.GET, categories=list(categories))
    services_found = filters.apply(provider.services.all(), provider)
    if request.GET.get("export") == "csv":
        return _catalog_csv(provider, services_found)
    page = Paginator(services_found, 50).get_page(request.GET.get("page"))
    context = {
        "provider": provider,
        "filters": filters,
        "page": page,
        "show_choices": SHOW,
        "sort": filters.value("sort", "name"),
        "sorts": SORTS,
    }
    return render_page(request, "providers/catalog.html", context, partials={"catalog-results"})


CSV_COLUMNS = ["service_id", "name", "category", "type", "rate_per_1000", "currency", "min", "max"]
CSV_COLUMNS += ["refill", "cancel", "dripfeed", "active", "first_seen", "last_seen"]


def _catalog_csv(provider, services_found):
    rows = (
        [
            service.service_id,
            service.name,
            service.category,
            service.type,
            service.rate,
            provider.currency,
            service.min,
            service.max,
            service.refill,
            service.cancel,
            service.dripfeed,
            service.active,
            service.first_seen.isoformat(),
            service.last_seen.isoformat(),
        ]
        for service in services_found.iterator(chunk_size=2000)
    )
    return csv_response(f"{provider.name} catalog.csv", CSV_COLUMNS, rows)
