"""Exchange rates: set by staff, or fetched from a public source of reference rates.

The source is any JSON answer with a "rates" object of "1 <base> = X <currency>" and its base
under "base_code" (open.er-api.com) or "base" (Frankfurter, the ECB's reference rates). It is
read with Decimal straight from the JSON text and stored as new ExchangeRate rows, so the
history of every rate is kept. Only the currencies providers use are stored. The source is
fetched under the panels' address guard: its host resolved once, every address public (unless
PROVIDER_ALLOW_PRIVATE_HOSTS), the connection made to exactly that address, no redirect
followed.
"""

import json
import logging
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import requests
from django.conf import settings

from panel import AddressRefused, PanelClientError, WireState, guarded_session
from providers.models import Provider
from rates.models import ExchangeRate, RateFetch

log = logging.getLogger("smmdash.providers")

PLACES = Decimal(1).scaleb(-ExchangeRate._meta.get_field("rate").decimal_places)
TIMEOUT = (5, 15)
RATES_PUBLIC_ONLY = (
    "The exchange-rate source must be on a public address "
    "(PROVIDER_ALLOW_PRIVATE_HOSTS allows internal ones)."
)


class RatesUnavailable(Exception):
    """The source could not be read; the message says why, for staff."""


def set_rate(currency: str, rate: Decimal, *, user=None, note: str = "") -> ExchangeRate:
    """Record that one `currency` is worth `rate` base-currency units from now on."""
    return ExchangeRate.objects.create(
        currency=currency.upper(), base=settings.BASE_CURRENCY, rate=rate, set_by=user, note=note
    )


def currencies_in_use() -> list[str]:
    used = Provider.objects.exclude(currency="").values_list("currency", flat=True).distinct()
    return sorted({code.upper() for code in used} - {settings.BASE_CURRENCY})


def source_url() -> str:
    return settings.EXCHANGE_RATES_URL.format(base=settings.BASE_CURRENCY)


def fetch_rates(url: str | None = None) -> RateFetch:
    """Fetch reference rates and store those of the currencies in use; always recorded."""
    url = url or source_url()
    source = urlsplit(url).netloc or url
    try:
        values = parse_rates(_download(url), settings.BASE_CURRENCY)
    except RatesUnavailable as problem:
        log.warning("Exchange rates from %s not fetched: %s", source, problem)
        return RateFetch.objects.create(source=source, ok=False, error=str(problem))
    stored = {}
    for currency in currencies_in_use():
        if currency in values:
            set_rate(currency, values[currency], note=f"Fetched from {source}")
            stored[currency] = str(values[currency])
    missing = [currency for currency in currencies_in_use() if currency not in values]
    error = f"The source has no rate for {', '.join(missing)}." if missing else ""
    log.info("Exchange rates from %s: stored %s", source, ", ".join(stored) or "none")
    return RateFetch.objects.create(source=source, ok=True, stored=stored, error=error)


def _download(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise RatesUnavailable("the source must be an http:// or https:// address")
    wire = WireState(
        allow_private_hosts=settings.PROVIDER_ALLOW_PRIVATE_HOSTS, public_only=RATES_PUBLIC_ONLY
    )
    failure = None
    with guarded_session(wire, max_retries=0) as session:
        try:
            # No redirects: a source that moved is named by staff, not followed to wherever it
            # says.
            response = session.get(
                url, timeout=TIMEOUT, headers={"Accept": "application/json"}, allow_redirects=False
            )
        except AddressRefused as refused:  # the guard, from inside the connection
            failure = RatesUnavailable(refused.message)
        except PanelClientError:  # the guard could not resolve the host
            failure = RatesUnavailable("could not reach the source (host name not found)")
        except requests.RequestException as problem:
            failure = RatesUnavailable(f"could not reach the source ({type(problem).__name__})")
    if failure is not None:
        raise failure
    if response.is_redirect:
        where = response.headers.get("Location", "elsewhere")
        raise RatesUnavailable(f"the source redirects to {where}; set that address instead")
    if response.status_code != 200:
        raise RatesUnavailable(f"the source answered HTTP {response.status_code}")
    return response.text


def parse_rates(text: str, base: str) -> dict[str, Decimal]:
    """{currency: value of one unit in `base`} from a reference-rates answer."""
    try:
        answer = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        raise RatesUnavailable("the source did not answer with JSON") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("rates"), dict):
        raise RatesUnavailable("the answer has no rates")
    quoted_in = str(answer.get("base_code") or answer.get("base") or "").upper()
    per_unit = {str(code).upper(): value for code, value in answer["rates"].items()}
    per_unit.setdefault(quoted_in, Decimal(1))
    if base not in per_unit:
        raise RatesUnavailable(f"the answer has no rate for {base}")
    values = {}
    for currency, value in per_unit.items():
        try:
            # 1 quoted = per_unit[base] base = value currency, so 1 currency = base / value.
            converted = (Decimal(per_unit[base]) / Decimal(value)).quantize(PLACES)
        except (InvalidOperation, ArithmeticError, TypeError):
            continue  # a zero, text or null rate for one currency spoils only that one
        if converted > 0 and currency != base:
            values[currency] = converted
    return values
