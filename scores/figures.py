"""Reading the rollups: a provider's, a service's or a product's figures over a period.

Every figure is a sum of daily rows, so a 90-day scorecard of a provider is 90 rows however
many orders it had. Shares are Decimal fractions (0 to 1). A share out of fewer than
MIN_ORDERS orders is not shown as a percentage: `judged` says why instead.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scores.models import COUNTS, DURATIONS, ProviderScore, ServiceScore
from smmdash.lib import days as calendar
from smmdash.lib import histograms
from smmdash.lib.numbers import count_text

PERIODS = (7, 30, 90)
SERVICE_DAYS = 30  # services, and products, are judged on the last 30 days
PARTIAL_WARNING = Decimal("0.15")


def min_orders() -> int:
    return settings.SCORECARD_MIN_ORDERS


def period_start(days: int, today: date | None = None) -> date:
    """The first day of the last `days` days, today included (days in TIME_ZONE)."""
    return (today or calendar.today()) - timedelta(days=days - 1)


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
    def from_json(cls, data: dict) -> "Delivery":
        return cls(**{name: data[name] for name in (*COUNTS, *DURATIONS) if name in data})

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in (*COUNTS, *DURATIONS)}

    @classmethod
    def of(cls, rows) -> "Delivery":
        """The sum of rollup rows (model instances or dicts with their fields)."""
        rows = [row if isinstance(row, dict) else vars(row) for row in rows]
        total = cls(**{name: sum(row[name] or 0 for row in rows) for name in COUNTS})
        for name in DURATIONS:
            hists = [row[name] for row in rows]
            setattr(total, name, histograms.merge(hists, histograms.DELIVERY_SECONDS))
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
            return _("no orders yet")
        finished = self.finished
        return ngettext(
            "{count} finished order: not enough to judge",
            "{count} finished orders: not enough to judge",
            finished,
        ).format(count=count_text(finished))

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

    @classmethod
    def from_json(cls, data: dict) -> "Api":
        return cls(data.get("calls", 0), data.get("failures", 0), data.get("latency", []))

    def as_json(self) -> dict:
        return {"calls": self.calls, "failures": self.failures, "latency": self.latency}

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


# Queries: the period scores (scores.periods) ------------------------------------------------


def provider_scores(days: int, providers=None) -> dict[int, ProviderScore]:
    """{provider id: ProviderScore} over the last `days` days (7, 30 or 90): one query."""
    scores = ProviderScore.objects.filter(days=days)
    if providers is not None:
        scores = scores.filter(provider__in=providers)
    return {score.provider_id: score for score in scores}


def provider_delivery(provider_ids, days: int) -> dict[int, Delivery]:
    return {
        provider_id: Delivery.from_json(score.delivery)
        for provider_id, score in provider_scores(days, list(provider_ids)).items()
    }


def service_delivery(service_ids) -> dict[int, Delivery]:
    """{service id: Delivery} over the last SERVICE_DAYS days: one query."""
    scores = ServiceScore.objects.filter(service_id__in=list(service_ids))
    return {
        service_id: Delivery.from_json(delivery)
        for service_id, delivery in scores.values_list("service_id", "delivery")
    }


def product_delivery(services) -> dict[int, Delivery]:
    """{provider id: Delivery} of one product's services (a queryset), per provider, over the
    last SERVICE_DAYS days: one query."""
    found: dict[int, Delivery] = {}
    scores = ServiceScore.objects.filter(service__in=services)
    for provider_id, delivery in scores.values_list("provider_id", "delivery"):
        found.setdefault(provider_id, Delivery()).add(delivery)
    return found
