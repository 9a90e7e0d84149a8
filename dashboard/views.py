from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject

from compare.feed import market_moves
from dashboard.access import view_required
from dashboard.health import worker_status
from dashboard.htmx import render_page
from orders.models import Order
from providers.models import Provider
from providers.money import rates_to_base, with_base_balances


@view_required
def home(request):
    providers = with_base_balances(list(Provider.objects.filter(enabled=True)), rates_to_base())
    unconverted = [p for p in providers if p.balance is not None and p.balance_in_base is None]
    context = {
        "worker": worker_status(),
        "providers": providers,
        "total_in_base": sum(p.balance_in_base for p in providers if p.balance_in_base is not None),
        "unconverted": unconverted,
        "low": [p for p in providers if p.balance_is_low],
        # Read only by the page and its order-summary fragment, not by the other fragments.
        "orders": SimpleLazyObject(Order.objects.summary),
        "moves": SimpleLazyObject(market_moves),
        "notable_percent": settings.NOTABLE_PRICE_MOVE_PERCENT,
    }
    partials = {"worker-status", "balances", "order-summary", "market-moves"}
    return render_page(request, "dashboard/home.html", context, partials=partials)


@login_not_required
def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return redirect(static("img/favicon.svg"), permanent=True)
