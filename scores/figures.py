"""Reading the rollups: a provider's, a service's or a product's figures over a period.

Every figure is a sum of daily rows, so a 90-day scorecard of a provider is 90 rows however
many orders it had. Shares are Decimal fractions (0 to 1). A share out of fewer than
MIN_ORDERS orders is not shown as a percentage: `judged` says why instead.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from providers.models import ApiDay
from scores.models import COUNTS, DURATIONS, ProviderDay, ServiceDay
from smmdash.lib import histograms

PERIODS = (7, 30, 90)
PARTIAL_WARNING = Decimal("0.15")


def min_orders() -> int:
    return settings.SCORECARD_MIN_ORDERS


def period_start(days: int, today: date | None = None) -> date:
    """The first day of the last `days` days, today included."""
    return (today or timezone.now().date()) - timedelta(days=days - 1)


def share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass
class Delivery:
    """What a provider, service or product's orders did over a period."""

    orders: int = 0
    rejected: int = 0
    needs_checking: int = 0
    open: int = 0
    completed: int = 0
    partial: int = 0
    canceled: int = 0
    refunded: int = 0
    failed: int = 0
    quantity_finished: int = 0
    quantity_delivered: int = 0
    refills: int = 0
    refills_completed: int = 0
    refills_rejected: int = 0
    cancels_asked: int = 0
    cancels_honoured: int = 0
    to_start: list = field(default_factory=list)
    to_finish: list = field(default_factory=list)
    to_refill: list = field(default_factory=list)

    @classmethod
    def of(cls, rows) -> "Delivery":
        """The sum of rollup rows (model instances or dicts with their fields)."""
        total = cls()
        for row in rows:
            total.add(row)
        return total

    def add(self, row):
        read = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + (read(name) or 0))
        for name in DURATIONS:
            setattr(
                self,
                name,
                histograms.merge([getattr(self, name), read(name)], histograms.DELIVERY_SECONDS),
            )

    # Derived figures --------------------------------------------------------------------

    @property
    def finished(self) -> int:
        return self.completed + self.partial + self.canceled + self.refunded + self.failed

    @property
    def enough(self) -> bool:
        return self.finished >= min_orders()

    @property
    def judged(self) -> str:
        """Why the shares are not shown, or "" when there are enough finished orders."""
        if self.enough:
            return ""
        if not self.orders:
            return "no orders yet"
        finished = self.finished
        noun = "order" if finished == 1 else "orders"
        return f"{finished} finished {noun}: not enough to judge"

    def share_of(self, name: str) -> Decimal | None:
        """The share of finished orders that ended `name` (completed, partial, ...)."""
        return share(getattr(self, name), self.finished) if self.enough else None

    @property
    def partial_share_high(self) -> bool:
        """Over the share resellers take as the mark of an unreliable source."""
        partial = self.share_of("partial")
        return partial is not None and partial > PARTIAL_WARNING

    @property
    def delivered(self) -> Decimal | None:
        """The share of the quantity ordered that arrived, over finished orders."""
        if not self.enough or not self.quantity_finished:
            return None
        return share(self.quantity_delivered, self.quantity_finished)

    def seconds(self, name: str, at: float) -> float | None:
        histogram = getattr(self, name)
        if sum(histogram) < min(min_orders(), 5):
            return None
        return histograms.percentile(histogram, at, histograms.DELIVERY_SECONDS)

    @property
    def start_median(self):
        return self.seconds("to_start", 0.5)

    @property
    def start_p90(self):
        return self.seconds("to_start", 0.9)

    @property
    def finish_median(self):
        return self.seconds("to_finish", 0.5)

    @property
    def finish_p90(self):
        return self.seconds("to_finish", 0.9)

    @property
    def refill_median(self):
        return self.seconds("to_refill", 0.5)

    @property
    def refill_record(self) -> Decimal | None:
        """Refills completed out of those asked that got an answer either way."""
        answered = self.refills_completed + self.refills_rejected
        return share(self.refills_completed, answered) if answered else None

    @property
    def cancels_record(self) -> Decimal | None:
        return share(self.cancels_honoured, self.cancels_asked) if self.cancels_asked else None


@dataclass
class Api:
    """How a provider's API answered over a period, for all actions or one."""

    calls: int = 0
    failures: int = 0
    latency: list = field(default_factory=list)

    def add(self, calls, failures, latency):
        self.calls += calls
        self.failures += failures
        self.latency = histograms.merge([self.latency, latency], histograms.LATENCY_MS)

    @property
    def success(self) -> Decimal | None:
        return share(self.calls - self.failures, self.calls)

    def milliseconds(self, at: float) -> float | None:
        return histograms.percentile(self.latency, at, histograms.LATENCY_MS)

    @property
    def p50(self):
        return self.milliseconds(0.5)

    @property
    def p95(self):
        return self.milliseconds(0.95)


# Queries -----------------------------------------------------------------------------------

ROLLUP_VALUES = ("day", *COUNTS, *DURATIONS)


def provider_days(days: int, providers=None):
    """{provider id: [daily rows as dicts]} over the last `days` days: one query."""
    rows = ProviderDay.objects.filter(day__gte=period_start(days))
    if providers is not None:
        rows = rows.filter(provider__in=providers)
    found: dict[int, list[dict]] = {}
    for row in rows.values("provider_id", *ROLLUP_VALUES).order_by("day"):
        found.setdefault(row["provider_id"], []).append(row)
    return found


def service_delivery(service_ids, days: int) -> dict[int, Delivery]:
    """{service id: Delivery} over the last `days` days for these services: one query."""
    rows = ServiceDay.objects.filter(service_id__in=list(service_ids), day__gte=period_start(days))
    found: dict[int, Delivery] = {}
    for row in rows.values("service_id", *COUNTS, *DURATIONS):
        found.setdefault(row["service_id"], Delivery()).add(row)
    return found


def provider_delivery(provider_ids, days: int) -> dict[int, Delivery]:
    return {
        provider_id: Delivery.of(rows)
        for provider_id, rows in provider_days(days, providers=list(provider_ids)).items()
    }


def product_delivery(services, days: int) -> dict[int, Delivery]:
    """{provider id: Delivery} of the services of one product (a queryset), per provider."""
    rows = ServiceDay.objects.filter(service__in=services, day__gte=period_start(days))
    found: dict[int, Delivery] = {}
    for row in rows.values("provider_id", *COUNTS, *DURATIONS):
        found.setdefault(row["provider_id"], Delivery()).add(row)
    return found


def api_totals(days: int, providers=None) -> dict[int, dict[str, Api]]:
    """{provider id: {action: Api, "": all actions}} over the last `days` days: one query."""
    rows = ApiDay.objects.filter(day__gte=period_start(days))
    if providers is not None:
        rows = rows.filter(provider__in=providers)
    found: dict[int, dict[str, Api]] = {}
    values = rows.values_list("provider_id", "action", "calls", "failures", "latency")
    for provider_id, action, calls, failures, latency in values:
        actions = found.setdefault(provider_id, {"": Api()})
        actions.setdefault(action, Api()).add(calls, failures, latency)
        actions[""].add(calls, failures, latency)
    return found


def api_daily(days: int, providers=None) -> dict[int, dict[date, Api]]:
    """{provider id: {day: Api of all actions}}, for the trend: one query, summed by the
    database."""
    rows = ApiDay.objects.filter(day__gte=period_start(days))
    if providers is not None:
        rows = rows.filter(provider__in=providers)
    found: dict[int, dict[date, Api]] = {}
    totals = rows.values("provider_id", "day").annotate(
        calls_sum=Sum("calls"), failures_sum=Sum("failures")
    )
    for row in totals.order_by():
        api = found.setdefault(row["provider_id"], {}).setdefault(row["day"], Api())
        api.calls, api.failures = row["calls_sum"], row["failures_sum"]
    return found


def last_outages(providers=None) -> dict[int, tuple]:
    """{provider id: (when, what)} of each provider's last call that got no answer, ever."""
    rows = ApiDay.objects.filter(failures__gt=0)
    if providers is not None:
        rows = rows.filter(provider__in=providers)
    latest = rows.values("provider_id").annotate(at=Max("last_failure_at")).order_by()
    wanted = {row["provider_id"]: row["at"] for row in latest}
    found = {}
    if wanted:
        for provider_id, at, what in rows.filter(last_failure_at__in=wanted.values()).values_list(
            "provider_id", "last_failure_at", "last_failure"
        ):
            if wanted.get(provider_id) == at:
                found[provider_id] = (at, what)
    return found
