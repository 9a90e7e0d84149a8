"""The Spend report: what was spent per provider, per day, week or month, and per platform and
kind, in the base currency and each account's own, read from the SpendDay rollups.

A fixed number of queries whatever the period or the number of orders: the rollups hold one
row per provider, day, platform and kind. Amounts are converted at today's exchange rates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from orders.models import SpendDay
from providers.models import Provider
from rates.money import COST_STEP, rates_to_base, to_base
from scores.figures import day_start
from spend.models import TopUp

BUCKETS = {"day": "Day", "week": "Week", "month": "Month"}
AMOUNTS = ("gross", "spent", "refunded", "estimated", "difference", "unknown")
COUNTS = ("orders", "refunded_orders", "estimated_orders", "differing_orders", "unknown_orders")


def today(now=None) -> date:
    return (now or timezone.now()).astimezone(UTC).date()


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @classmethod
    def last(cls, days: int, now=None) -> "Period":
        end = today(now)
        return cls(end - timedelta(days=days - 1), end)


@dataclass
class Figures:
    """Sums of the rollup's figures: in one currency (`currency`), or in the base currency with
    what could not be converted left out and named."""

    currency: str = ""
    orders: int = 0
    refunded_orders: int = 0
    estimated_orders: int = 0
    differing_orders: int = 0
    unknown_orders: int = 0
    gross: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    estimated: Decimal = Decimal(0)
    difference: Decimal = Decimal(0)
    unknown: Decimal = Decimal(0)
    unconverted: set = field(default_factory=set)

    def add(self, row: dict, rates: dict | None = None):
        """Add a row of sums; with `rates`, its amounts converted to the base currency."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))
        for name in AMOUNTS:
            amount = row.get(name) or Decimal(0)
            if rates is not None:
                converted = to_base(amount, row["currency"], rates, COST_STEP)
                if converted is None:
                    self.unconverted.add(row["currency"] or "?")
                    continue
                amount = converted
            setattr(self, name, getattr(self, name) + amount)


@dataclass
class ProviderLine:
    provider: Provider
    own: Figures  # in the account's currency
    base: Figures
    top_ups: Decimal = Decimal(0)  # in the account's currency, in the period


@dataclass
class Report:
    period: Period
    bucket: str
    base_currency: str
    total: Figures
    previous: Figures  # the same length of time just before, for the comparison
    providers: list[ProviderLine]
    buckets: list[tuple[date, Figures]]  # in the base currency, oldest first
    # provider id -> {bucket start: (Figures in the account's currency, spent in base or None)}
    cells: dict
    kinds: list[tuple[str, str, Figures]]  # platform, kind, in the base currency
    top_ups: list[TopUp]

    @property
    def change(self) -> Decimal | None:
        """Spend against the period before, as a percentage (None when nothing was spent)."""
        if not self.previous.spent:
            return None
        return (self.total.spent - self.previous.spent) * 100 / self.previous.spent

    def chart(self) -> dict:
        """The spend plot's data for the page's chart script: times in seconds, amounts as
        text (Decimal, formatted by the script)."""
        starts = [start for start, _ in self.buckets]
        series = [
            {
                "label": line.provider.name,
                "values": [
                    str(self.cells.get(line.provider.pk, {}).get(start, (None, 0))[1] or 0)
                    for start in starts
                ],
            }
            for line in self.providers
            if line.base.spent or line.own.spent
        ]
        return {
            "x": [int(day_start(start).timestamp()) for start in starts],
            "series": series,
            "total": [str(figures.spent) for _, figures in self.buckets],
            "currency": self.base_currency,
            "bucket": self.bucket,
        }


def _sums():
    return {name: Sum(name) for name in (*AMOUNTS, *COUNTS)}


def _bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _bucket_starts(period: Period, bucket: str) -> list[date]:
    step = {"day": 1, "week": 7, "month": 32}[bucket]
    starts, day = [], _bucket_start(period.start, bucket)
    while day <= period.end:
        starts.append(day)
        day = _bucket_start(day + timedelta(days=step), bucket)
    return starts


def report(period: Period, *, bucket: str = "day", provider_ids=None, base_currency="USD"):
    """The Spend report over `period` (of `provider_ids`, or every provider)."""
    rates = rates_to_base()
    days = SpendDay.objects.filter(day__gte=period.start, day__lte=period.end)
    before = period.previous()
    earlier = SpendDay.objects.filter(day__gte=before.start, day__lte=before.end)
    top_ups = TopUp.objects.filter(
        at__gte=day_start(period.start),
        at__lt=day_start(period.end + timedelta(days=1)),
    ).select_related("provider", "recorded_by")
    providers = Provider.objects.all()
    if provider_ids:
        days, earlier = (
            days.filter(provider__in=provider_ids),
            earlier.filter(provider__in=provider_ids),
        )
        top_ups, providers = (
            top_ups.filter(provider__in=provider_ids),
            providers.filter(pk__in=provider_ids),
        )

    total, previous = Figures(), Figures()
    lines = {
        provider.pk: ProviderLine(provider, Figures(provider.currency), Figures())
        for provider in providers
    }
    for row in days.values("provider_id", "currency").annotate(**_sums()).order_by():
        line = lines.get(row["provider_id"])
        if line is None:
            continue
        line.own.currency = row["currency"] or line.own.currency
        line.own.add(row)
        line.base.add(row, rates)
        total.add(row, rates)
    for row in earlier.values("currency").annotate(**_sums()).order_by():
        previous.add(row, rates)

    truncate = {"week": TruncWeek("day"), "month": TruncMonth("day")}.get(bucket)
    bucketed, key = (days.annotate(start=truncate), "start") if truncate else (days, "day")
    buckets = {start: Figures(base_currency) for start in _bucket_starts(period, bucket)}
    cells: dict = defaultdict(dict)
    for row in bucketed.values(key, "provider_id", "currency").annotate(**_sums()).order_by():
        start = row[key]
        start = start.date() if isinstance(start, datetime) else start
        figures = buckets.setdefault(start, Figures(base_currency))
        figures.add(row, rates)
        own = Figures(row["currency"] or "")
        own.add(row)
        cells[row["provider_id"]][start] = (own, to_base(own.spent, own.currency, rates, COST_STEP))

    kinds: dict = {}
    for row in days.values("platform", "kind", "currency").annotate(**_sums()).order_by():
        kinds.setdefault((row["platform"], row["kind"]), Figures(base_currency)).add(row, rates)

    top_up_list = list(top_ups)
    for top_up in top_up_list:
        if top_up.provider_id in lines:
            lines[top_up.provider_id].top_ups += top_up.amount
    for line in lines.values():
        line.base.currency = base_currency
    total.currency = previous.currency = base_currency
    ordered = sorted(lines.values(), key=lambda line: (-line.base.spent, line.provider.name))
    return Report(
        period=period,
        bucket=bucket,
        base_currency=base_currency,
        total=total,
        previous=previous,
        providers=ordered,
        buckets=sorted(buckets.items()),
        cells=dict(cells),
        kinds=sorted(
            ((platform, kind, figures) for (platform, kind), figures in kinds.items()),
            key=lambda item: -item[2].spent,
        ),
        top_ups=top_up_list,
    )
