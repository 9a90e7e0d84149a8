"""Scorecards as pages show them: the providers' league table, one provider's card over each
period, and a product's providers side by side. Built from a fixed handful of queries
(scores.figures), whatever the number of orders behind them."""

from dataclasses import dataclass, field
from datetime import datetime

from providers.models import Provider
from scores import figures
from scores.figures import Api, Delivery

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
    trends: dict[str, dict] = field(default_factory=dict)  # drawn by scores.periods
    computed_at: datetime | None = None


def league(days: int, sort: str = "delivered") -> list[LeagueRow]:
    """Every provider's scorecard over the last `days` days, best first by `sort` (a key of
    SORTS; "-key" reverses it). Two queries: the providers and their period scores."""
    scores = figures.provider_scores(days)
    rows = []
    for provider in Provider.objects.all():
        score = scores.get(provider.pk)
        api = score.api if score else {}
        outage = api.get("last_failure_at")
        rows.append(
            LeagueRow(
                provider=provider,
                delivery=Delivery.from_json(score.delivery) if score else Delivery(),
                api=Api.from_json(api),
                price_changes=score.price_changes if score else 0,
                last_outage=(datetime.fromisoformat(outage), api["last_failure"])
                if outage
                else None,
                trends=score.trends if score else {},
                computed_at=score.computed_at if score else None,
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


@dataclass
class PeriodCard:
    days: int
    delivery: Delivery
    api: dict  # action -> Api, "" for all actions


def provider_cards(provider: Provider) -> list[PeriodCard]:
    """One provider's figures over 7, 30 and 90 days, from its period scores, and its API
    calls by action from its API days: two queries."""
    scores = {score.days: score for score in provider.scores.all()}
    api_rows = list(
        provider.api_days.filter(day__gte=figures.period_start(max(figures.PERIODS))).values_list(
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
        score = scores.get(days)
        delivery = Delivery.from_json(score.delivery) if score else Delivery()
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
