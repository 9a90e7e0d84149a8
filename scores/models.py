"""Daily rollups of what smmdash's own orders did at each provider and each service.

Pages read these, never the orders: a scorecard over 90 days of a busy account is a few
hundred rows. They are recomputed from the orders of a provider's day whenever one of those
orders changes (``orders.services.rollups``), so they are never out by a drifting counter.
Orders count on the day they were created, however long they then take.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from providers.models import Provider, Service

# The figures' column names: the counts, and the time histograms.
COUNTS = (
    "orders",
    "rejected",
    "needs_checking",
    "open",
    "completed",
    "partial",
    "canceled",
    "refunded",
    "failed",
    "quantity_finished",
    "quantity_delivered",
    "refills",
    "refills_completed",
    "refills_rejected",
    "cancels_asked",
    "cancels_honoured",
)
DURATIONS = ("to_start", "to_finish", "to_refill")


class DeliveryFigures(models.Model):
    day = models.DateField()
    # Orders the panel took or refused (those never sent are not the panel's doing).
    orders = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    needs_checking = models.PositiveIntegerField(default=0)  # answers lost, resolved or not
    open = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    canceled = models.PositiveIntegerField(default=0)
    refunded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Of finished orders that nobody asked to cancel: the quantity ordered, and delivered.
    quantity_finished = models.BigIntegerField(default=0)
    quantity_delivered = models.BigIntegerField(default=0)
    # Seconds from placing to first progress, and to the end (completed or partial orders),
    # counted into smmdash.lib.histograms.DELIVERY_SECONDS.
    to_start = models.JSONField(default=list)
    to_finish = models.JSONField(default=list)
    refills = models.PositiveIntegerField(default=0)
    refills_completed = models.PositiveIntegerField(default=0)
    refills_rejected = models.PositiveIntegerField(default=0)
    to_refill = models.JSONField(default=list)
    cancels_asked = models.PositiveIntegerField(default=0)
    cancels_honoured = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ProviderDay(DeliveryFigures):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="days")

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["provider", "day"], name="one_provider_day")]
        indexes = [models.Index(fields=["day", "provider"])]

    def __str__(self):
        return f"{self.provider} on {self.day}: {self.orders} orders"


class ServiceDay(DeliveryFigures):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="days")

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="one_service_day")]
        indexes = [models.Index(fields=["provider", "day"])]

    def __str__(self):
        return f"{self.service} on {self.day}: {self.orders} orders"


class RollupDue(models.Model):
    """A provider's day whose orders changed since its rollups were computed.

    Operations mark it with one insert; the poll task and the dispatcher claim it by deleting
    it (one row deleted: this worker computes it) and compute the day again in bulk.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("rollups due")
        constraints = [models.UniqueConstraint(fields=["provider", "day"], name="one_due_day")]

    def __str__(self):
        return f"{self.provider} on {self.day}"


class ProviderScore(models.Model):
    """A provider's figures over the last 7, 30 or 90 days, summed from its daily rollups, its
    API calls and the trends of its main figures: the league table reads one row a provider.

    Computed whenever the provider's rollups are, and at least every few minutes
    (scores.periods), so a page never sums days.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="scores")
    days = models.PositiveSmallIntegerField()
    as_of = models.DateField()  # the last day counted
    delivery = models.JSONField(default=dict)  # the DeliveryFigures fields, summed
    # {"calls", "failures", "latency"} of all actions, and the last call not answered in the
    # 90 days ("last_failure_at", ISO, and "last_failure").
    api = models.JSONField(default=dict)
    trends = models.JSONField(default=dict)  # {figure: the drawn trend}
    price_changes = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "days"], name="one_score_per_period")
        ]

    def __str__(self):
        return f"{self.provider} over {self.days} days"


class ServiceScore(models.Model):
    """A service's figures over the last 30 days, for Compare's value, Buy's plans and the
    offer pages: one row per service that had orders."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    delivery = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.service} over 30 days"
