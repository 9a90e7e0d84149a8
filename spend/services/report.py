"""The Spend report: what was spent per provider, per day, week or month, and per platform and
kind, in the base currency and each account's own, read from the SpendDay rollups.

A fixed number of queries whatever the period or the number of orders: the rollups hold one
row per provider, day, platform and kind. Amounts are converted at today's exchange rates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from orders.models import SpendDay
from providers.models import Provider
from rates.money import COST_STEP, rates_to_base, to_base
from shops.services.figures import Figures as ShopFigures
from shops.services.figures import figures_of, margin_lines
from smmdash.lib.days import day_start, today
from spend.models import TopUp

BUCKETS = {"day": gettext_lazy("Day"), "week": gettext_lazy("Week"), "month": gettext_lazy("Month")}
AMOUNTS = ("gross", "spent", "refunded", "estimated", "difference", "unknown")
COUNTS = ("orders", "refunded_orders", "estimated_orders", "differing_orders", "unknown_orders")
FIELDS = AMOUNTS + COUNTS


class WeekStart(TruncWeek):
    """The Monday of a date's week. On SQLite, in its own date functions: Django's TruncWeek
    calls a Python function per row there, which made a 90-day report twice as slow."""

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        weekday = f"((CAST(strftime('%%w', {sql}) AS INTEGER) + 6) %% 7)"
        return f"date({sql}, '-' || {weekday} || ' days')", (*params, *params, *params)


class MonthStart(TruncMonth):
    """The first day of a date's month; on SQLite, in its own date functions (see WeekStart)."""

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, 'start of month')", params


BUCKET_STARTS = {"week": WeekStart, "month": MonthStart}


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

    def __post_init__(self):
        # Sums come back from SQLite as floats made Decimal ("18.6735500000000"): amounts
        # keep the places they are stored with.
        for name in AMOUNTS:
            setattr(self, name, Decimal(getattr(self, name)).quantize(COST_STEP))

    @classmethod
    def of(cls, currency: str, values) -> "Figures":
        """Figures from sums in FIELDS' order."""
        return cls(currency, **dict(zip(FIELDS, values, strict=True)))

    def merge(self, other: "Figures"):
        """Add figures in the same currency."""
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unconverted |= other.unconverted

    def in_base(self, rates: dict, base_currency: str) -> "Figures":
        """These figures converted to the base currency (empty, naming the currency, when it
        has no rate)."""
        converted = Figures(base_currency)
        if to_base(Decimal(0), self.currency, rates) is None:
            converted.unconverted = (
                {self.currency or "?"} if self.orders or self.unknown_orders else set()
            )
            return converted
        converted.unconverted = set(self.unconverted)
        for name in COUNTS:
            setattr(converted, name, getattr(self, name))
        for name in AMOUNTS:
            setattr(converted, name, to_base(getattr(self, name), self.currency, rates))
        return converted


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
    # What shops paid against what their orders' panels charged, in the base currency: per
    # shop (id, name, figures), the period's total, and per provider and bucket for the CSV.
    shops: list[tuple[int, str, ShopFigures]] = field(default_factory=list)
    shop_total: ShopFigures = field(default_factory=ShopFigures)
    shop_cells: dict = field(default_factory=dict)

    @property
    def bucket_label(self) -> str:
        """ "Day", "Week" or "Month", in the page's language."""
        return str(BUCKETS[self.bucket])

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
            # The days are this time zone's: the chart writes its dates in it too.
            "time_zone": timezone.get_current_timezone_name(),
            "bucket_label": {"month": gettext("Month"), "week": gettext("Week of")}.get(
                self.bucket, gettext("Day")
            ),
        }


def _sums():
    return {name: Sum(name) for name in (*AMOUNTS, *COUNTS)}


def _add(sums: dict, key, values: list):
    held = sums.get(key)
    sums[key] = values if held is None else [a + b for a, b in zip(held, values, strict=True)]


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

    # One row per provider, bucket and currency: the provider's line, the bucket's total and
    # the period's are sums of these, so no other query reads the period's rollups again.
    # Each is summed in its own currency and converted once.
    key, bucketed = "day", days
    if bucket in BUCKET_STARTS:
        key, bucketed = "start", days.annotate(start=BUCKET_STARTS[bucket]("day"))
    per_provider: dict = defaultdict(dict)  # provider id -> {currency: sums, in FIELDS' order}
    per_bucket: dict = {}  # (bucket start, currency) -> sums
    cells: dict = defaultdict(dict)
    rows = bucketed.values(key, "provider_id", "currency").annotate(**_sums()).order_by()
    for start, provider_id, currency, *values in rows.values_list(
        key, "provider_id", "currency", *FIELDS
    ):
        start = start.date() if isinstance(start, datetime) else start
        currency, values = currency or "", [value or 0 for value in values]
        cell = Figures.of(currency, values)
        cells[provider_id][start] = (cell, to_base(cell.spent, currency, rates))
        _add(per_provider[provider_id], currency, values)
        _add(per_bucket, (start, currency), values)

    lines, per_currency = {}, {}
    for provider in providers:
        own, base = Figures(provider.currency), Figures(base_currency)
        for currency, values in per_provider.get(provider.pk, {}).items():
            figures = Figures.of(currency, values)
            own.currency = currency or own.currency
            own.merge(figures)
            base.merge(figures.in_base(rates, base_currency))
            _add(per_currency, currency, values)
        lines[provider.pk] = ProviderLine(provider, own, base)
    # Each currency's sum converted once, as the order list's total converts it.
    total = Figures(base_currency)
    for currency, values in per_currency.items():
        total.merge(Figures.of(currency, values).in_base(rates, base_currency))
    buckets = {start: Figures(base_currency) for start in _bucket_starts(period, bucket)}
    for (start, currency), values in per_bucket.items():
        in_base = Figures.of(currency, values).in_base(rates, base_currency)
        buckets.setdefault(start, Figures(base_currency)).merge(in_base)

    # Only what the period before spent is shown, against this one's.
    previous = Figures(base_currency)
    for currency, spent in earlier.values_list("currency").annotate(spent=Sum("spent")).order_by():
        previous.merge(Figures(currency, spent=spent or 0).in_base(rates, base_currency))
    # Per platform and kind, the page shows orders and spend.
    kinds: dict = defaultdict(lambda: Figures(base_currency))
    by_kind = days.values_list("platform", "kind", "currency")
    for platform, kind, currency, orders, spent in by_kind.annotate(
        Sum("orders"), Sum("spent")
    ).order_by():
        own = Figures(currency, orders=orders or 0, spent=spent or 0)
        kinds[platform, kind].merge(own.in_base(rates, base_currency))

    shops, shop_total, shop_cells = _shops(period, bucket, provider_ids)
    top_up_list = list(top_ups)
    for top_up in top_up_list:
        if top_up.provider_id in lines:
            lines[top_up.provider_id].top_ups += top_up.amount
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
        shops=shops,
        shop_total=shop_total,
        shop_cells=shop_cells,
    )


def _shops(period: Period, bucket: str, provider_ids):
    """Shops' revenue and margin over the period (one query: shops.services.figures)."""
    lines = margin_lines(period.start, period.end, provider_ids=provider_ids)
    names = {line.shop_id: line.shop_name for line in lines}
    per_shop = figures_of(lines)
    total = ShopFigures()
    cells: dict = defaultdict(lambda: defaultdict(ShopFigures))
    for line in lines:
        total.add(line)
        cells[line.provider_id][_bucket_start(line.day, bucket)].add(line)
    shops = sorted(
        ((shop_id, names[shop_id], figures) for shop_id, figures in per_shop.items()),
        key=lambda item: (-item[2].revenue, item[1]),
    )
    return shops, total, {provider: dict(starts) for provider, starts in cells.items()}
