"""The exchange-rates page: the rate in force for each currency, its history, and changes."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rates import services as rates
from rates.forms import RateForm
from rates.models import ExchangeRate, RateFetch
from rates.money import current_rates
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.numbers import exchange_rate_text

manage_required = require(MANAGE_PROVIDERS)
HISTORY = 30


@view_required
def index(request, form=None):
    base = settings.BASE_CURRENCY
    current = current_rates()
    used = rates.currencies_in_use()
    context = {
        "current": current,
        "without_rate": sorted(set(used) - {row.currency for row in current}),
        "used": set(used),
        "history": ExchangeRate.objects.filter(base=base).select_related("set_by")[:HISTORY],
        "last_fetch": RateFetch.objects.first(),
        "source": rates.source_url() if settings.EXCHANGE_RATES_URL else "",
        "form": form or RateForm(),
    }
    return render(request, "rates/index.html", context)


@manage_required
@require_POST
def set_rate(request):
    form = RateForm(request.POST)
    if not form.is_valid():
        return index(request, form=form)
    data = form.cleaned_data
    rates.set_rate(data["currency"], data["rate"], user=request.user, note=data["note"])
    messages.success(
        request,
        _("1 {currency} = {rate} {base} from now on.").format(
            currency=data["currency"],
            rate=exchange_rate_text(data["rate"]),
            base=settings.BASE_CURRENCY,
        ),
    )
    return redirect("rates:index")


@manage_required
@require_POST
def fetch(request):
    if not settings.EXCHANGE_RATES_URL:
        messages.error(
            request, _("No source is set (EXCHANGE_RATES_URL), so rates are set by hand.")
        )
        return redirect("rates:index")
    done = rates.fetch_rates()
    if not done.ok:
        messages.error(
            request,
            _("Rates not fetched: {done_error}. The rates in force are kept.").format(
                done_error=done.error
            ),
        )
    else:
        stored = ", ".join(f"{code} {value}" for code, value in done.stored.items()) or "nothing"
        messages.success(request, f"Fetched from {done.source}: {stored}. {done.error}".strip())
    return redirect("rates:index")
