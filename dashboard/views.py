"""The home page, Background work, /health/, the favicon, the expired-form page and the
header's search."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from alerts.models import Alert
from compare.feed import market_moves
from dashboard import health
from dashboard.search import search as find
from orders.models import Order
from providers.models import Provider
from rates.money import rates_to_base, with_base_balances
from smmdash.lib.access import view_required
from smmdash.lib.htmx import render_page
from spend.services import runways, week_spend

SHORTEST_RUNWAYS = 3


@view_required
def home(request):
    rates = rates_to_base()
    providers = with_base_balances(list(Provider.objects.filter(enabled=True)), rates)
    unconverted = [p for p in providers if p.balance is not None and p.balance_in_base is None]
    context = {
        "worker": health.worker_status(),
        "providers": providers,
        "total_in_base": sum(p.balance_in_base for p in providers if p.balance_in_base is not None),
        "unconverted": unconverted,
        # The balance rows' {% in_base %} converts with these too, instead of reading them again.
        "exchange_rates": rates,
        "low": [p for p in providers if p.balance_is_low],
        # Read only by the page and its order-summary fragment, not by the other fragments.
        "orders": SimpleLazyObject(Order.objects.summary),
        "moves": SimpleLazyObject(market_moves),
        "notable_percent": settings.NOTABLE_PRICE_MOVE_PERCENT,
        "money": SimpleLazyObject(lambda: _money(providers, rates)),
    }
    partials = {"worker-status", "balances", "order-summary", "market-moves", "money"}
    return render_page(request, "dashboard/home.html", context, partials=partials)


def _money(providers, rates) -> dict | None:
    """The money overview, once smmdash is in use (a catalog synced and an order placed);
    None before, when the page shows how to get started instead."""
    if not any(p.catalog_synced_at for p in providers) or not Order.objects.exists():
        return None
    lasting = runways(providers)
    shortest = sorted(
        (p for p in providers if lasting[p.pk].days is not None), key=lambda p: lasting[p.pk].days
    )[:SHORTEST_RUNWAYS]
    for provider in shortest:
        provider.runway = lasting[provider.pk]
    alerts = Alert.objects.filter(resolved_at__isnull=True).order_by("-opened_at")
    return {
        "week": week_spend(rates=rates),
        "shortest": shortest,
        "alerts": list(alerts[:5]),
        "alert_count": alerts.count(),
    }


@view_required
def background(request):
    """Background work: workers, work waiting for them, and when each kind last ran.

    Its `work-alert` partial is the banner every page loads, shown only when work waits and
    nothing takes it.
    """
    context = {
        "background": health.background(),
        "heartbeat_seconds": settings.WORKER_HEARTBEAT_SECONDS,
    }
    if request.htmx and request.htmx.target == "work-alert":
        return render_page(request, "dashboard/background.html", context, partials={"work-alert"})
    context["database_error"] = health.check_database()
    context["broker_error"] = health.check_broker()
    return render_page(request, "dashboard/background.html", context)


def _age(moment, now):
    return None if moment is None else round((now - moment).total_seconds())


@login_not_required
def health_check(request):
    """For monitors and load balancers: 200 while the database and broker answer, else 503.

    Open to anyone, so it names no provider and quotes no error: the Background work page
    has the details for staff.
    """
    now = timezone.now()
    database_ok = not health.check_database()
    broker_ok = not health.check_broker()
    body = {"database": {"ok": database_ok}, "broker": {"ok": broker_ok}}
    degraded = False
    if database_ok:
        work = health.background()
        body["worker"] = {
            "ok": work.worker.running,
            "last_heartbeat_age_seconds": _age(work.worker.last_seen, now),
        }
        body["last_catalog_sync_age_seconds"] = _age(work.last_sync_at, now)
        body["last_order_poll_age_seconds"] = _age(work.last_poll_at, now)
        body["last_balance_age_seconds"] = _age(work.last_balance_at, now)
        body["waiting"] = {
            waiting.queue: {
                "count": waiting.count,
                "oldest_age_seconds": _age(waiting.oldest, now),
                "stuck": bool(waiting.stuck),
            }
            for waiting in work.waiting
        }
        degraded = work.needs_attention or not work.worker.running
    up = database_ok and broker_ok
    body["status"] = "down" if not up else "degraded" if degraded else "ok"
    response = JsonResponse(body, status=200 if up else 503)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without its CSRF token, or with a stale one: nothing was done.

    An htmx request is answered with a reload (a 403 would be swapped nowhere, so the click
    would seem to do nothing), and the reloaded page says why.
    """
    if request.headers.get("HX-Request"):
        messages.warning(
            request, _("This form expired, so nothing was done: the page was reloaded.")
        )
        return HttpResponseClientRefresh()
    return render(request, "403_csrf.html", status=403)


@view_required
def search(request):
    found = find(request.GET.get("q", ""))
    if found.jump_to is not None:
        return redirect("orders:detail", pk=found.jump_to.pk)
    return render(request, "dashboard/search.html", {"found": found})
