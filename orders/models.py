"""Orders, their events and refills, and each provider's order-polling state."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.links import link_key
from providers.models import AMOUNT, RATE, Provider, Service
from rates.money import expected_cost

# The most an order's quantity can be (its PositiveIntegerField's ceiling); no service sells more.
MAX_QUANTITY = 2_147_483_647


class OrderQuerySet(models.QuerySet):
    def summary(self) -> dict:
        """How many orders are open, need checking, or went wrong in the last day.

        Two queries that each read only the orders they count, through the status and the
        creation-time indexes: one aggregate over every order would read them all.
        """
        day_ago = timezone.now() - timedelta(days=1)
        by_status = dict(
            self.filter(status__in=[*STILL_MOVING, Order.Status.UNKNOWN])
            .values_list("status")
            .annotate(models.Count("pk"))
            .order_by()
        )
        recent = self.filter(created_at__gte=day_ago).aggregate(
            today=models.Count("pk"),
            failed_today=models.Count("pk", filter=models.Q(status__in=PROBLEMS)),
        )
        return {
            "open": sum(count for status, count in by_status.items() if status in STILL_MOVING),
            "unknown": by_status.get(Order.Status.UNKNOWN, 0),
            **recent,
        }


class Order(models.Model):
    """One order at one panel, from the moment staff asked for it.

    The row is written before anything is sent, so an order whose answer never came back is
    still here (as *unknown*) and is never sent twice.
    """

    class Status(models.TextChoices):
        # Ours, before or instead of the panel's.
        QUEUED = "queued", _("Queued")
        SUBMITTING = "submitting", _("Sending")
        UNKNOWN = "unknown", _("Needs checking")
        NOT_SENT = "not_sent", _("Not sent")
        REJECTED = "rejected", _("Rejected")
        NOT_PLACED = "not_placed", _("Not placed")
        # The panel's (panel.client.STATUSES).
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        PROCESSING = "processing", _("Processing")
        PARTIAL = "partial", _("Partial")
        COMPLETED = "completed", _("Completed")
        CANCELED = "canceled", _("Canceled")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="orders")
    # The service as it was when ordered: the catalog may change or lose it later.
    service_ref = models.CharField("service id at the panel", max_length=64)
    service_name = models.CharField(max_length=500)
    service_type = models.CharField(max_length=100, blank=True)
    rate = models.DecimalField(**RATE, help_text=_("Price per 1000 when ordered."))
    currency = models.CharField(max_length=3, blank=True)

    link = models.CharField(max_length=2000)
    # The link as compared for overlaps (orders.links.link_key): one post, however written.
    link_key = models.CharField(max_length=300, blank=True, editable=False)
    quantity = models.PositiveIntegerField()
    # Fields the service type needs (runs and interval, comments, usernames, ...), as sent.
    extra = models.JSONField(default=dict, blank=True)
    expected_cost = models.DecimalField(**AMOUNT)

    status = models.CharField(max_length=12, choices=Status, default=Status.QUEUED)
    raw_status = models.CharField("panel's status", max_length=100, blank=True)
    provider_order_id = models.CharField("panel's order id", max_length=64, blank=True)
    charge = models.DecimalField(**AMOUNT, null=True, blank=True)
    start_count = models.BigIntegerField(null=True, blank=True)
    remains = models.BigIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    # One per order form shown: a double click or a resubmitted form finds the order it made.
    form_token = models.CharField(max_length=80, unique=True, null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_attempts = models.PositiveSmallIntegerField(default=0)
    # While queued: when the send task handed to the broker is due to run. Empty when no task
    # holds the order (the broker could not be reached): the dispatcher hands it over.
    send_task_due_at = models.DateTimeField(null=True, blank=True)
    # The account's balance around an add whose answer was lost: did the money go?
    balance_before = models.DecimalField(**AMOUNT, null=True, blank=True)
    balance_after = models.DecimalField(**AMOUNT, null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the scorecards measure: when the panel first showed progress, when the order
    # ended, when staff asked to cancel it and when its answer was lost (it stays counted
    # as lost after staff resolve it).
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    answer_lost_at = models.DateTimeField(null=True, blank=True)

    # Routed orders (orders.services.buying): the services still to try, best first, should
    # the panel refuse this one or it cannot be sent; and the attempt this one replaced.
    route = models.JSONField(default=list, blank=True)
    routing_note = models.CharField(max_length=300, blank=True)
    previous_attempt = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_attempt",
        help_text=_("The order at another panel that this one replaced after a refusal."),
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["provider", "status", "status_checked_at"]),
            models.Index(fields=["provider_order_id"]),
            models.Index(fields=["provider", "created_at"]),
            models.Index(fields=["link_key", "status"]),
        ]

    def __str__(self):
        return f"Order {self.pk}"

    @classmethod
    def of_service(cls, service, *, link, quantity, extra=None, **fields) -> "Order":
        """An unsaved order for `service`, with the service as it is now and the expected cost."""
        extra = extra or {}
        return cls(
            provider=service.provider,
            service=service,
            service_ref=service.service_id,
            service_name=service.name,
            service_type=service.type,
            rate=service.rate,
            currency=service.provider.currency,
            link=link,
            link_key=link_key(link),
            quantity=quantity,
            extra=extra,
            expected_cost=expected_cost(service.rate, quantity, extra.get("runs", 1)),
            **fields,
        )

    # What pages ask ----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Still moving: pages keep refreshing it."""
        return self.status in STILL_MOVING

    @property
    def nothing_spent(self) -> bool:
        """The panel never took it (yet), so its cost is not money gone."""
        return self.status in NOTHING_SPENT

    @property
    def waiting_for_workers(self) -> bool:
        """Recorded and queued, but the workers' queue (the broker) could not be reached."""
        return self.status == self.Status.QUEUED and self.send_task_due_at is None

    @property
    def needs_checking(self) -> bool:
        return self.status == self.Status.UNKNOWN

    @property
    def can_cancel(self) -> bool:
        capability = self.provider.capabilities.get("cancel")
        return (
            self.status in AT_PANEL_OPEN
            and self.service.cancel is not False
            and capability is not False
        )

    @property
    def can_refill(self) -> bool:
        capability = self.provider.capabilities.get("refill")
        return (
            self.status in REFILLABLE
            and self.service.refill is not False
            and capability is not False
        )

    @property
    def delivered(self) -> int | None:
        if self.remains is None:
            return None
        return max(0, self.quantity * self.extra.get("runs", 1) - self.remains)

    @property
    def status_level(self) -> str:
        """ok, warn, bad or off: the badge's colour."""
        return STATUS_LEVELS.get(self.status, "muted")


Status = Order.Status
AT_PANEL_OPEN = frozenset({Status.PENDING, Status.IN_PROGRESS, Status.PROCESSING})
STILL_MOVING = AT_PANEL_OPEN | {Status.QUEUED, Status.SUBMITTING}
REFILLABLE = frozenset({Status.COMPLETED, Status.PARTIAL})
# The panel is done with these: what was delivered is final.
FINISHED = frozenset(
    {Status.COMPLETED, Status.PARTIAL, Status.CANCELED, Status.REFUNDED, Status.FAILED}
)
PROBLEMS = frozenset({Status.UNKNOWN, Status.NOT_SENT, Status.REJECTED, Status.FAILED})
# Orders the panel never took: their cost was never spent.
NOTHING_SPENT = frozenset(
    {Status.QUEUED, Status.SUBMITTING, Status.NOT_SENT, Status.REJECTED, Status.NOT_PLACED}
)
STATUS_LEVELS = {
    Status.QUEUED: "muted",
    Status.SUBMITTING: "muted",
    Status.UNKNOWN: "bad",
    Status.NOT_SENT: "warn",
    Status.REJECTED: "bad",
    Status.NOT_PLACED: "off",
    Status.PENDING: "muted",
    Status.IN_PROGRESS: "new",
    Status.PROCESSING: "new",
    Status.PARTIAL: "warn",
    Status.COMPLETED: "ok",
    Status.CANCELED: "off",
    Status.REFUNDED: "off",
    Status.FAILED: "bad",
}


class OrderEvent(models.Model):
    """One line of an order's history: never edited, never deleted on its own."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        REQUEST = "request", _("Sent to the panel")
        ANSWER = "answer", _("Panel answered")
        STATUS = "status", _("Status changed")
        ERROR = "error", _("Problem")
        ACTION = "action", _("Staff action")
        MOVED = "moved", _("Moved to another provider")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    message = models.TextField()
    # What was sent or received (never the key), or the fields that changed.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()}: {self.message}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Order events are append-only.")
        super().save(*args, **kwargs)


class Refill(models.Model):
    """A refill asked of the panel for one order, tracked with its own status."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refills")
    # Some panels answer a refill without an id; such a refill cannot be followed up.
    refill_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.REQUESTED)
    raw_status = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Refill {self.refill_id or '(no id)'} of order {self.order_id}"

    @property
    def is_open(self) -> bool:
        return bool(self.refill_id) and self.status in REFILL_OPEN


REFILL_OPEN = frozenset({Refill.Status.REQUESTED, Refill.Status.PENDING, Refill.Status.IN_PROGRESS})


class ProviderPolling(models.Model):
    """How reading one provider's order statuses goes: one poll at a time (a lease), and a
    provider that keeps failing is left alone for a while rather than hammered."""

    provider = models.OneToOneField(
        Provider, on_delete=models.CASCADE, primary_key=True, related_name="polling"
    )
    lock_until = models.DateTimeField(null=True, blank=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    # When the current run of failures began (the alerts' "failing for N minutes").
    failing_since = models.DateTimeField(null=True, blank=True)
    backoff_until = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = _("provider polling")

    def __str__(self):
        return f"order polling of {self.provider}"

    @classmethod
    def of(cls, provider) -> "ProviderPolling":
        polling, _ = cls.objects.get_or_create(provider=provider)
        return polling


class SpendDay(models.Model):
    """What one provider's orders of one day cost, per platform and kind, in the account's
    currency: the Spend page's rollup, computed with the scorecards' (orders.services.rollups).

    Orders count on the day they were placed, at what they finally cost: a refund (a partial
    delivery, a cancel) lowers the day of its order, so a day's figures are what its orders
    cost in the end. Amounts are the panel's charge where it reported one, else what smmdash
    expected (counted apart as ``estimated``).
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="spend_days")
    day = models.DateField()
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    orders = models.PositiveIntegerField(default=0)
    # What the orders cost when placed (rate x quantity), what they cost in the end, and the
    # difference given back.
    gross = models.DecimalField(**AMOUNT, default=0)
    spent = models.DecimalField(**AMOUNT, default=0)
    refunded = models.DecimalField(**AMOUNT, default=0)
    refunded_orders = models.PositiveIntegerField(default=0)
    # Of `spent`, what the panel never reported a charge for (smmdash's expectation).
    estimated = models.DecimalField(**AMOUNT, default=0)
    estimated_orders = models.PositiveIntegerField(default=0)
    # The panel's charge less what smmdash expected, over the orders where they differ.
    difference = models.DecimalField(**AMOUNT, default=0)
    differing_orders = models.PositiveIntegerField(default=0)
    # Orders whose answer was lost: the money may or may not have gone.
    unknown = models.DecimalField(**AMOUNT, default=0)
    unknown_orders = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "day", "platform", "kind"], name="one_spend_day_per_kind"
            )
        ]
        indexes = [models.Index(fields=["day", "provider"])]

    def __str__(self):
        return f"{self.provider} on {self.day} ({self.platform} {self.kind}): {self.spent}"
