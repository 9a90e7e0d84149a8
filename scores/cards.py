"""Scorecards as pages show them: the providers' league table, one provider's card over each
period, and a product's providers side by side. Built from a fixed handful of queries
(scores.figures), whatever the number of orders behind them."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from providers.models import PriceChange, Provider
from scores import figures
from scores.figures import Api, Delivery
from smmdash.lib.charts import LineChart, line_chart

TREND_SIZE = {"width": 72, "height": 20, "pad": 2}
# Sort keys of the league table: how to read each from a row (None sorts last).
SORTS = {
    "provider": lambda row: row.provider.name.lower(),
    "orders": lambda row: row.delivery.orders,
    "delivered": lambda row: row.delivery.delivered,
    "completed": lambda row: row.delivery.share_of("completed"),
    "partial": lambda row: row.delivery.share_of("partial"),
    "canceled": lambda row: row.delivery.share_of("canceled"),
    "failed": lambda row: row.delivery.share_of("failed"),
    "start": lambda row: row.delivery.start_median,
    "finish": lambda row: row.delivery.finish_median,
    "refills": lambda row: row.delivery.refill_record,
    "cancels": lambda row: row.delivery.cancels_record,
    "api": lambda row: row.api.success,
    "latency": lambda row: row.api.p50,
    "checking": lambda row: row.delivery.needs_checking,
    "outage": lambda row: row.last_outage[0] if row.last_outage else None,
    "synced": lambda row: row.provider.catalog_synced_at,
    "prices": lambda row: row.price_changes,
}
# Higher is better for these; for the others (times, failures, counts of trouble) lower is.
HIGHER_IS_BETTER = {"orders", "delivered", "completed", "refills", "cancels", "api", "synced"}


@dataclass
class LeagueRow:
    provider: Provider
    delivery: Delivery
    api: Api
    price_changes: int = 0
    last_outage: tuple | None = None
    trends: dict[str, LineChart | None] = field(default_factory=dict)
    computed_at: datetime | None = None


def league(days: int, sort: str = "delivered") -> list[LeagueRow]:
    """Every provider's scorecard over the last `days` days, best first by `sort` (a key of
    SORTS; "-key" reverses it). Four queries, one row a provider: the period scores."""
    providers = list(Provider.objects.all())
    scores = figures.provider_scores(days)
    outages = figures.last_outages()
    changes = _price_changes(days)
    rows = []
    for provider in providers:
        score = scores.get(provider.pk)
        rows.append(
            LeagueRow(
                provider=provider,
                delivery=Delivery.from_json(score.delivery) if score else Delivery(),
                api=Api.from_json(score.api) if score else Api(),
                price_changes=changes.get(provider.pk, 0),
                last_outage=outages.get(provider.pk),
                trends=_charts(score.trends) if score else {},
                computed_at=score.computed_at if score else None,
            )
        )
    return sort_rows(rows, sort)


def _charts(trends: dict) -> dict[str, LineChart | None]:
    """The stored [[day, value]] series as small line charts."""
    return {
        name: line_chart(
            [
                (datetime.combine(date.fromisoformat(day), time.min), Decimal(value))
                for day, value in points
            ],
            **TREND_SIZE,
        )
        for name, points in trends.items()
    }


def sort_rows(rows: list[LeagueRow], sort: str) -> list[LeagueRow]:
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "delivered", "delivered"
    read = SORTS[key]
    # Best first by default; "-key" turns it round. Rows without the figure go last either way.
    best_first = key in HIGHER_IS_BETTER
    descending = best_first != sort.startswith("-")
    known = [row for row in rows if read(row) is not None]
    unknown = [row for row in rows if read(row) is None]
    known.sort(key=read, reverse=descending)
    return known + sorted(unknown, key=lambda row: row.provider.name.lower())


def _price_changes(days: int) -> dict[int, int]:
    since = timezone.now() - timedelta(days=days)
    counted = (
        PriceChange.objects.filter(changed_at__gte=since)
        .values("service__provider_id")
        .annotate(changes=Count("pk"))
        .order_by()
    )
    return {row["service__provider_id"]: row["changes"] for row in counted}


@dataclass
class PeriodCard:
    days: int
    delivery: Delivery
    api: dict  # action -> Api, "" for all actions


def provider_cards(provider: Provider) -> list[PeriodCard]:
    """One provider's figures over 7, 30 and 90 days: two queries."""
    longest = max(figures.PERIODS)
    daily = figures.provider_days(longest, providers=[provider]).get(provider.pk, [])
    api_rows = list(
        provider.api_days.filter(day__gte=figures.period_start(longest)).values_list(
            "day", "action", "calls", "failures", "latency"
        )
    )
    cards = []
    for days in figures.PERIODS:
        start = figures.period_start(days)
        api: dict[str, Api] = {"": Api()}
        for day, action, calls, failures, latency in api_rows:
            if day >= start:
                api.setdefault(action, Api()).add(calls, failures, latency)
                api[""].add(calls, failures, latency)
        delivery = Delivery.of(row for row in daily if row["day"] >= start)
        cards.append(PeriodCard(days, delivery, api))
    return cards


@dataclass
class OfferCard:
    """An offer's page: the service's own record, its provider's, and how each provider
    that sells the same product delivered it, over the last WINDOW days."""

    days: int
    service: Delivery
    provider: Delivery
    product: list[tuple[Provider, Delivery]]


def offer_card(service, equivalents) -> OfferCard:
    """`equivalents`: a queryset of the services that are the same product. Three queries."""
    own = figures.service_delivery([service.pk]).get(service.pk, Delivery())
    provider = figures.provider_delivery([service.provider_id], figures.SERVICE_DAYS).get(
        service.provider_id, Delivery()
    )
    by_provider = figures.product_delivery(equivalents)
    providers = Provider.objects.in_bulk(list(by_provider))
    product = sorted(
        ((providers[pk], delivery) for pk, delivery in by_provider.items()),
        key=lambda pair: (pair[1].delivered is None, -(pair[1].delivered or 0), pair[0].name),
    )
    return OfferCard(figures.SERVICE_DAYS, own, provider, product)
