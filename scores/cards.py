"""Scorecards as pages show them: the providers' league table, one provider's card over each
period, and a product's providers side by side. Built from a fixed handful of queries
(scores.figures), whatever the number of orders behind them."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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


def league(days: int, sort: str = "delivered") -> list[LeagueRow]:
    """Every provider's scorecard over the last `days` days, best first by `sort` (a key of
    SORTS; "-key" reverses it). Five queries."""
    providers = list(Provider.objects.all())
    daily = figures.provider_days(days)
    api = figures.api_totals(days)
    api_daily = figures.api_daily(days)
    outages = figures.last_outages()
    changes = _price_changes(days)
    start = figures.period_start(days)
    rows = []
    for provider in providers:
        days_of = daily.get(provider.pk, [])
        rows.append(
            LeagueRow(
                provider=provider,
                delivery=Delivery.of(days_of),
                api=api.get(provider.pk, {}).get("", Api()),
                price_changes=changes.get(provider.pk, 0),
                last_outage=outages.get(provider.pk),
                trends=trends(days_of, api_daily.get(provider.pk, {}), start, days),
            )
        )
    return sort_rows(rows, sort)


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


def trends(days_of: list[dict], api_by_day: dict, start: date, days: int) -> dict:
    """Small line charts of a provider's orders a day, share delivered, median time to start
    and API success over the period: daily, or weekly over 90 days."""
    step = 7 if days > 31 else 1
    buckets: dict[date, Delivery] = {}
    for row in days_of:
        bucket = start + timedelta(days=(row["day"] - start).days // step * step)
        buckets.setdefault(bucket, Delivery()).add(row)
    api_buckets: dict[date, Api] = {}
    for day, totals in api_by_day.items():
        bucket = start + timedelta(days=(day - start).days // step * step)
        api_buckets.setdefault(bucket, Api()).add(totals.calls, totals.failures, [])

    def chart(points):
        series = [
            (datetime.combine(day, datetime.min.time()), Decimal(str(value)))
            for day, value in sorted(points.items())
            if value is not None
        ]
        return line_chart(series, **TREND_SIZE)

    every = [start + timedelta(days=offset) for offset in range(0, days, step)]
    return {
        "orders": chart({day: buckets[day].orders if day in buckets else 0 for day in every}),
        "delivered": chart({day: _raw_delivered(delivery) for day, delivery in buckets.items()}),
        "start": chart(
            {
                day: figures.histograms.percentile(
                    delivery.to_start, 0.5, figures.histograms.DELIVERY_SECONDS
                )
                for day, delivery in buckets.items()
            }
        ),
        "api": chart({day: api.success for day, api in api_buckets.items()}),
    }


def _raw_delivered(delivery: Delivery):
    # A trend point is one day's figure, however few orders: the table's figure is judged.
    if not delivery.quantity_finished:
        return None
    return Decimal(delivery.quantity_delivered) / delivery.quantity_finished


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


def offer_card(service, equivalents, days: int = 30) -> OfferCard:
    """`equivalents`: a queryset of the services that are the same product. Three queries."""
    own = figures.service_delivery([service.pk], days).get(service.pk, Delivery())
    provider = figures.provider_delivery([service.provider_id], days).get(
        service.provider_id, Delivery()
    )
    by_provider = figures.product_delivery(equivalents, days)
    providers = Provider.objects.in_bulk(list(by_provider))
    product = sorted(
        ((providers[pk], delivery) for pk, delivery in by_provider.items()),
        key=lambda pair: (pair[1].delivered is None, -(pair[1].delivered or 0), pair[0].name),
    )
    return OfferCard(days, own, provider, product)
