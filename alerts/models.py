"""Alert rules, the alerts they open, the channels that reach staff and what was sent there."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from providers import encryption
from providers.models import Provider
from smmdash.lib.texts import render


class Channel(models.Model):
    """Somewhere alerts are sent: email addresses, or a notification URL apprise understands
    (Telegram, Slack, Discord, a webhook...)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        APPRISE = "apprise", _("Notification URL")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # Fernet token (providers.encryption): a notification URL holds its service's token.
    target_encrypted = models.TextField(editable=False)
    target_hint = models.CharField(max_length=200, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def target(self) -> str:
        return encryption.decrypt(self.target_encrypted)

    def set_target(self, target: str):
        target = target.strip()
        self.target_encrypted = encryption.encrypt(target)
        self.target_hint = target if self.kind == self.Kind.EMAIL else hint_of_url(target)


def hint_of_url(url: str) -> str:
    """A notification URL as pages show it: its scheme and host, never its tokens."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}/••••" if parts.scheme else "••••"


@dataclass(frozen=True)
class KindInfo:
    unit: str  # what the threshold counts, or "" for none
    threshold: int | None
    remind_minutes: int
    # A one-off (a price move) ends by itself a day later, with no "resolved" message.
    one_off: bool = False


class Rule(models.Model):
    """One kind of alert, with its threshold, reminder interval and channels: one row a kind."""

    class Kind(models.TextChoices):
        LOW_BALANCE = "low_balance", _("Balance under the account's threshold")
        SHORT_RUNWAY = "short_runway", _("Runway short")
        NEEDS_CHECKING = "needs_checking", _("An order needs checking")
        SYNC_FAILING = "sync_failing", _("Catalog sync failing")
        POLL_FAILING = "poll_failing", _("Order status checks failing")
        BACKED_OFF = "backed_off", _("A panel backed off")
        PRICE_MOVE = "price_move", _("Price move of an ordered service")
        VANISHED = "vanished", _("An ordered service vanished")
        MARGIN_GUARD = "margin_guard", _("A product costs more than a shop was quoted")

    kind = models.CharField(max_length=20, choices=Kind, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    threshold = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    remind_every_minutes = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(7 * 24 * 60)],
        help_text=_("0: no reminders."),
    )
    channels = models.ManyToManyField(Channel, blank=True, related_name="rules")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def info(self) -> KindInfo:
        return KINDS.get(self.kind, NO_KIND)  # no kind: a rule row posted without its id

    @property
    def description(self) -> str:
        unit = self.info.unit
        if not unit:
            return self.get_kind_display()
        return {
            "days": gettext("Runway under {threshold} days"),
            "minutes": gettext("{kind} for {threshold} minutes"),
            "%": gettext("Price of a service ordered in the last 30 days moved by {threshold}%"),
        }[unit].format(threshold=self.threshold, kind=self.get_kind_display())


Kind = Rule.Kind
NO_KIND = KindInfo("", None, 0)
KINDS = {
    Kind.LOW_BALANCE: KindInfo("", None, 240),
    Kind.SHORT_RUNWAY: KindInfo("days", 3, 720),
    Kind.NEEDS_CHECKING: KindInfo("", None, 60),
    Kind.SYNC_FAILING: KindInfo("minutes", 60, 240),
    Kind.POLL_FAILING: KindInfo("minutes", 15, 120),
    Kind.BACKED_OFF: KindInfo("", None, 0),
    Kind.PRICE_MOVE: KindInfo("%", 10, 0, one_off=True),
    Kind.VANISHED: KindInfo("", None, 0, one_off=True),
    Kind.MARGIN_GUARD: KindInfo("", None, 0),
}


class Alert(models.Model):
    """A rule's condition about one thing (a provider, an order, a service), from when it
    started until it ended: at most one open alert per rule and thing."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=100)  # what it is about: "provider:3", "order:55", ...
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # In ALERT_LANGUAGE, as the channels were told; pages show `message` in the reader's.
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    # {"title": ..., "detail": ...}, each a message kept to be rendered (smmdash.lib.texts);
    # empty for alerts opened before messages were kept, which show their stored words.
    message = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=300, blank=True)  # the page that shows what it is about
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)  # the last message, first or reminder
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_alert_per_condition",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "-opened_at"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's, on a page)."""
        return render(self.message["title"]) if "title" in self.message else self.title

    @property
    def shown_detail(self) -> str:
        if not self.message:
            return self.detail
        return render(self.message["detail"]) if "detail" in self.message else ""


class Delivery(models.Model):
    """One message to one channel: the alerts that opened, reminded or ended at one moment,
    grouped; or a test. Sent by a task, retried on failure."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    alerts = models.ManyToManyField(Alert, blank=True, related_name="deliveries")
    is_test = models.BooleanField(default=False)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lock_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} to {self.channel} ({self.status})"


def ensure_rules():
    """One rule per kind, with its defaults: made by a migration, and again here for a database
    emptied since (a new kind added later gets its row too)."""
    existing = set(Rule.objects.values_list("kind", flat=True))
    Rule.objects.bulk_create(
        [
            Rule(kind=kind, threshold=info.threshold, remind_every_minutes=info.remind_minutes)
            for kind, info in KINDS.items()
            if kind not in existing
        ],
        ignore_conflicts=True,
    )
