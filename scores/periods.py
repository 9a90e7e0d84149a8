"""Keeping the period scores current: each provider's figures over 7, 30 and 90 days, and each
of its services' over 30, summed from the daily rollups once, so that pages read one row per
provider or per offer whatever the history behind it.

`refresh` runs for a provider whenever its rollups are computed (orders.services.rollups), and
`refresh_stale` from the dispatcher's tick for every provider whose scores are older than
STALE_AFTER or from another day: the API figures change with every call, and the windows move
on at midnight. Refreshing a provider reads its 90 daily rows, its API days and its services'
30 days in three queries and writes its scores in two bulk upserts.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from providers.models import ApiDay, PriceChange, Provider
from scores.figures import PERIODS, SERVICE_DAYS, Api, Delivery, period_start
from scores.models import COUNTS, DURATIONS, ProviderDay, ProviderScore, ServiceDay, ServiceScore
from smmdash.lib import days as calendar
from smmdash.lib import histograms
from smmdash.lib.charts import line_chart
from smmdash.lib.days import day_start

STALE_AFTER = timedelta(minutes=5)
TREND_DAYS_PER_POINT = {7: 1, 30: 1, 90: 7}
TREND_SIZE = {"width": 72, "height": 20, "pad": 2}


def refresh_stale(now=None) -> int:
    """Refresh every provider whose scores are missing, stale or from another day."""
    now = now or timezone.now()
    today = calendar.today(now)
    fresh = ProviderScore.objects.filter(
        days=max(PERIODS), as_of=today, computed_at__gte=now - STALE_AFTER
    ).values("provider_id")
    stale = list(Provider.objects.exclude(pk__in=fresh).values_list("pk", flat=True))
    refresh(stale, today)
    return len(stale)


def refresh(provider_ids, today: date | None = None):
    today = today or calendar.today()
    for provider_id in provider_ids:
        _refresh(provider_id, today)


def _refresh(provider_id: int, today: date):
    start = period_start(max(PERIODS), today)
    days = list(
        ProviderDay.objects.filter(provider_id=provider_id, day__gte=start)
        .values("day", *COUNTS, *DURATIONS)
        .order_by("day")
    )
    api_days = ApiDay.objects.filter(provider_id=provider_id, day__gte=start)
    calls = list(api_days.values_list("day", "calls", "failures", "latency"))
    outage = (
        api_days.filter(failures__gt=0)
        .order_by("-last_failure_at")
        .values("last_failure_at", "last_failure")
        .first()
    )
    changed = list(
        PriceChange.objects.filter(
            service__provider_id=provider_id, changed_at__gte=day_start(start)
        ).values_list("changed_at", flat=True)
    )
    scores = []
    for period in PERIODS:
        since = period_start(period, today)
        period_days = [row for row in days if row["day"] >= since]
        api = Api()
        for day, count, failures, latency in calls:
            if day >= since:
                api.add(count, failures, latency)
        scores.append(
            ProviderScore(
                provider_id=provider_id,
                days=period,
                as_of=today,
                delivery=Delivery.of(period_days).as_json(),
                api={**api.as_json(), **_outage(outage)},
                trends=_trends(period_days, calls, since, period, today),
                price_changes=sum(moment >= day_start(since) for moment in changed),
            )
        )
    ProviderScore.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["provider", "days"],
        update_fields=["as_of", "delivery", "api", "trends", "price_changes", "computed_at"],
    )
    _refresh_services(provider_id, today)


def _outage(outage) -> dict:
    if not outage:
        return {}
    return {
        "last_failure_at": outage["last_failure_at"].isoformat(),
        "last_failure": outage["last_failure"],
    }


def _refresh_services(provider_id: int, today: date):
    rows = ServiceDay.objects.filter(
        provider_id=provider_id, day__gte=period_start(SERVICE_DAYS, today)
    ).values("service_id", *COUNTS, *DURATIONS)
    by_service: dict[int, Delivery] = {}
    for row in rows:
        by_service.setdefault(row["service_id"], Delivery()).add(row)
    ServiceScore.objects.filter(provider_id=provider_id).exclude(
        service_id__in=list(by_service)
    ).delete()
    ServiceScore.objects.bulk_create(
        [
            ServiceScore(
                service_id=service_id,
                provider_id=provider_id,
                as_of=today,
                delivery=delivery.as_json(),
            )
            for service_id, delivery in by_service.items()
        ],
        update_conflicts=True,
        unique_fields=["service"],
        update_fields=["provider", "as_of", "delivery", "computed_at"],
        batch_size=500,
    )


def _trends(period_days: list[dict], calls, since: date, period: int, today: date) -> dict:
    """A provider's orders a day, share delivered, median time to start and share of API
    calls answered over the period, a point a day (a week over 90 days), drawn. Today is left
    out: a day not over yet would always look like a fall."""
    step = TREND_DAYS_PER_POINT.get(period, 1)
    period_days = [row for row in period_days if row["day"] < today]
    calls = [call for call in calls if call[0] < today]

    def point(day):
        return since + timedelta(days=(day - since).days // step * step)

    deliveries: dict[date, Delivery] = {}
    for row in period_days:
        deliveries.setdefault(point(row["day"]), Delivery()).add(row)
    apis: dict[date, Api] = {}
    for day, count, failures, _ in calls:
        if day >= since:
            apis.setdefault(point(day), Api()).add(count, failures, [])
    every = [since + timedelta(days=offset) for offset in range(0, period - 1, step)]
    series = {
        "orders": {day: deliveries[day].orders if day in deliveries else 0 for day in every},
        "delivered": {day: _delivered(delivery) for day, delivery in deliveries.items()},
        "start": {
            day: histograms.percentile(delivery.to_start, 0.5, histograms.DELIVERY_SECONDS)
            for day, delivery in deliveries.items()
        },
        "api": {day: api.success for day, api in apis.items()},
    }
    return {name: _drawn(points) for name, points in series.items()}


def _drawn(points: dict) -> dict | None:
    """A trend drawn once, here, as the SVG points the page shows ({} with under two)."""
    series = [
        (datetime.combine(day, time.min), Decimal(str(value)))
        for day, value in sorted(points.items())
        if value is not None
    ]
    chart = line_chart(series, **TREND_SIZE)
    if chart is None:
        return {}
    return {
        "points": chart.points,
        "start": chart.start.date().isoformat(),
        "end": chart.end.date().isoformat(),
        "width": chart.width,
        "height": chart.height,
    }


def _delivered(delivery: Delivery):
    # A point is one day's or week's figure, however few orders: the table's figure is judged.
    if not delivery.quantity_finished:
        return None
    return Decimal(delivery.quantity_delivered) / delivery.quantity_finished
