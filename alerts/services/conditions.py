"""What each rule finds true now: one Condition per thing it is about.

Each kind reads what it needs in one or two queries, whatever the number of providers or
orders, so the evaluation on every tick stays cheap.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_noop

from alerts.models import Kind, Rule
from orders.models import Order, ProviderPolling
from providers.models import CatalogSync, PriceChange, Provider, Service
from shops.models import Quote, Shop
from smmdash.lib.texts import money, number, rate, text
from spend.services import runways

ORDERED_WITHIN = timedelta(days=30)  # price moves and vanished services of services ordered since
ONE_OFF_FOR = timedelta(days=1)  # a one-off alert stays open this long


@dataclass(frozen=True)
class Condition:
    """What a rule finds true about one thing. Its title and detail are kept as messages
    (smmdash.lib.texts), so each reader sees them in their own language."""

    rule: Rule
    key: str
    title: dict
    detail: dict | None = None
    path: str = ""
    provider_id: int | None = None


def conditions(rules, now) -> list[Condition]:
    found = []
    for rule in rules:
        found += FINDERS[rule.kind](rule, now)
    return found


def _provider_page(provider_id) -> str:
    return reverse("providers:detail", args=[provider_id])


def low_balance(rule, now):
    providers = Provider.objects.filter(
        enabled=True, balance__isnull=False, low_balance_threshold__isnull=False
    ).filter(balance__lt=F("low_balance_threshold"))
    return [
        Condition(
            rule,
            f"provider:{p.pk}",
            text(gettext_noop("Low balance at {provider}"), provider=p.name),
            text(
                gettext_noop(
                    "The balance is {balance}, under the account's threshold "
                    "of {threshold}. Top up before orders there are refused."
                ),
                balance=money(p.balance, p.currency),
                threshold=money(p.low_balance_threshold, p.currency),
            ),
            _provider_page(p.pk),
            p.pk,
        )
        for p in providers
    ]


def short_runway(rule, now):
    providers = list(Provider.objects.filter(enabled=True, balance__isnull=False))
    found = []
    lasting = runways(providers, now)
    for provider in providers:
        runway = lasting[provider.pk]
        if runway.days is None or runway.days >= rule.threshold:
            continue
        found.append(
            Condition(
                rule,
                f"provider:{provider.pk}",
                text(
                    gettext_noop("{provider_name}: {runway_words}"),
                    provider_name=provider.name,
                    runway_words=runway.text,
                ),
                text(
                    gettext_noop(
                        "The balance of {balance} lasts {days} days at "
                        "the last 7 days' pace of {daily} a day."
                    ),
                    balance=money(provider.balance, provider.currency),
                    days=number(runway.days, 1),
                    daily=money(runway.daily_spend, provider.currency),
                ),
                _provider_page(provider.pk),
                provider.pk,
            )
        )
    return found


def needs_checking(rule, now):
    orders = Order.objects.filter(status=Order.Status.UNKNOWN).select_related("provider")
    return [
        Condition(
            rule,
            f"order:{order.pk}",
            text(
                gettext_noop("Order #{order_pk} at {provider_name} needs checking"),
                order_pk=order.pk,
                provider_name=order.provider.name,
            ),
            text(
                gettext_noop(
                    "The panel's answer was lost: {order_quantity} of "
                    "{order_service_name} for {order_link} may or may not have "
                    "been placed. Check it at the panel before sending it again."
                ),
                order_quantity=number(order.quantity, 0),
                order_service_name=order.service_name,
                order_link=order.link,
            ),
            reverse("orders:detail", args=[order.pk]),
            order.provider_id,
        )
        for order in orders.only(
            "pk", "quantity", "service_name", "link", "provider_id", "provider__name"
        )
    ]


def sync_failing(rule, now):
    # Failing since the first failed sync after the last one that succeeded.
    first_failure = (
        CatalogSync.objects.filter(provider=OuterRef("pk"), status=CatalogSync.Status.FAILED)
        .filter(
            Q(finished_at__gt=OuterRef("catalog_synced_at"))
            | Q(provider__catalog_synced_at__isnull=True)
        )
        .order_by()
        .values("provider")
        .annotate(first=Min("finished_at"))
        .values("first")
    )
    providers = Provider.objects.filter(enabled=True, last_sync_ok=False).annotate(
        failing_since=Subquery(first_failure)
    )
    cutoff = now - timedelta(minutes=rule.threshold)
    return [
        Condition(
            rule,
            f"provider:{p.pk}",
            text(gettext_noop("Catalog sync failing at {provider}"), provider=p.name),
            text(
                gettext_noop(
                    "Every catalog sync since {p_failing_since:%Y-%m-%d %H:%M} UTC failed: {error}"
                ),
                p_failing_since=p.failing_since,
                error=p.last_sync_error or text(gettext_noop("no reason given")),
            ),
            _provider_page(p.pk),
            p.pk,
        )
        for p in providers
        if p.failing_since is not None and p.failing_since <= cutoff
    ]


def poll_failing(rule, now):
    cutoff = now - timedelta(minutes=rule.threshold)
    pollings = ProviderPolling.objects.filter(
        provider__enabled=True, failing_since__lte=cutoff
    ).exclude(error="")
    return [
        Condition(
            rule,
            f"provider:{polling.provider_id}",
            text(
                gettext_noop("Order status checks failing at {provider_name}"),
                provider_name=polling.provider.name,
            ),
            text(
                gettext_noop(
                    "Failing since {polling_failing_since:%Y-%m-%d %H:%M} UTC: {polling_error}"
                ),
                polling_failing_since=polling.failing_since,
                polling_error=polling.error,
            ),
            _provider_page(polling.provider_id),
            polling.provider_id,
        )
        for polling in pollings.select_related("provider")
    ]


def backed_off(rule, now):
    pollings = ProviderPolling.objects.filter(provider__enabled=True, backoff_until__gt=now)
    return [
        Condition(
            rule,
            f"provider:{polling.provider_id}",
            text(gettext_noop("{provider_name} backed off"), provider_name=polling.provider.name),
            text(
                gettext_noop(
                    "smmdash leaves its order status checks until "
                    "{polling_backoff_until:%H:%M} UTC: {reason}"
                ),
                polling_backoff_until=polling.backoff_until,
                reason=polling.error or text(gettext_noop("the panel asked to slow down")),
            ),
            _provider_page(polling.provider_id),
            polling.provider_id,
        )
        for polling in pollings.select_related("provider")
    ]


def _ordered_lately(now, service="service"):
    return Exists(
        Order.objects.filter(service=OuterRef(service), created_at__gte=now - ORDERED_WITHIN)
    )


def price_move(rule, now):
    changes = (
        PriceChange.objects.filter(changed_at__gte=now - ONE_OFF_FOR, old_rate__gt=0)
        .filter(_ordered_lately(now))
        .select_related("service__provider")
    )
    found = []
    for change in changes:
        percent = (change.new_rate - change.old_rate) * 100 / change.old_rate
        if abs(percent) < rule.threshold:
            continue
        service = change.service
        currency = service.provider.currency
        found.append(
            Condition(
                rule,
                f"change:{change.pk}",
                text(
                    gettext_noop("Price up {percent}%: {service} at {provider}")
                    if percent > 0
                    else gettext_noop("Price down {percent}%: {service} at {provider}"),
                    percent=number(abs(percent), 0),
                    service=service.name[:150],
                    provider=service.provider.name,
                ),
                text(
                    gettext_noop(
                        "Rate per 1000 {old} → {new}, a service ordered in the last 30 days."
                    ),
                    old=rate(change.old_rate, currency),
                    new=rate(change.new_rate, currency),
                ),
                reverse("compare:offer", args=[service.pk]),
                service.provider_id,
            )
        )
    return found


def vanished(rule, now):
    services = (
        Service.objects.filter(active=False, vanished_at__gte=now - ONE_OFF_FOR)
        .filter(
            Exists(
                Order.objects.filter(service=OuterRef("pk"), created_at__gte=now - ORDERED_WITHIN)
            )
        )
        .select_related("provider")
    )
    return [
        Condition(
            rule,
            f"service:{service.pk}:{service.vanished_at:%Y%m%d%H%M%S}",
            text(
                gettext_noop("Service gone: {service} at {provider_name}"),
                service=service.name[:150],
                provider_name=service.provider.name,
            ),
            text(
                gettext_noop(
                    "It left the panel's catalog; it was ordered in the last 30 days. Compare "
                    "shows where else it is sold."
                )
            ),
            reverse("compare:offer", args=[service.pk]),
            service.provider_id,
        )
        for service in services
    ]


def margin_guard(rule, now):
    """A product whose route now costs more than the price a shop was last told: the shop's
    panel sells at that price until it reads the services again."""
    quotes = Quote.objects.filter(
        shop__enabled=True, product__available=True, product__cost__gt=F("rate")
    ).select_related("shop", "product")
    found = []
    for quote in quotes:
        shop, product = quote.shop, quote.product
        over = product.cost - quote.rate
        percent = over * 100 / quote.rate if quote.rate else None
        base = settings.BASE_CURRENCY
        if shop.price_change == Shop.PriceChange.REFUSE:
            consequence = text(
                gettext_noop(
                    "Its orders of it are refused until its panel reads the services again."
                )
            )
        else:
            consequence = text(
                gettext_noop(
                    "Its panel sells at the old price until it reads the services again: each "
                    "1000 ordered loses {over}."
                ),
                over=rate(over, base),
            )
        found.append(
            Condition(
                rule,
                f"quote:{shop.pk}:{product.pk}",
                text(
                    gettext_noop("{product} costs more than {shop} was quoted"),
                    product=product.name[:150],
                    shop=shop.name,
                ),
                text(
                    gettext_noop(
                        "The route costs {cost} per 1000 now, {over} over the {rate} quoted to "
                        "{shop} (+{percent}%). {consequence}"
                    )
                    if percent
                    else gettext_noop(
                        "The route costs {cost} per 1000 now, {over} over the {rate} quoted to "
                        "{shop}. {consequence}"
                    ),
                    cost=rate(product.cost, base),
                    over=rate(over, base),
                    rate=rate(quote.rate, base),
                    shop=shop.name,
                    percent=number(percent or 0, 1),
                    consequence=consequence,
                ),
                reverse("shops:detail", args=[shop.pk]),
            )
        )
    return found


FINDERS = {
    Kind.LOW_BALANCE: low_balance,
    Kind.SHORT_RUNWAY: short_runway,
    Kind.NEEDS_CHECKING: needs_checking,
    Kind.SYNC_FAILING: sync_failing,
    Kind.POLL_FAILING: poll_failing,
    Kind.BACKED_OFF: backed_off,
    Kind.PRICE_MOVE: price_move,
    Kind.VANISHED: vanished,
    Kind.MARGIN_GUARD: margin_guard,
}
