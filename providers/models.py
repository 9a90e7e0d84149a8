"""Providers, their balance history, cached services, price changes, syncs and hand-made calls."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from panel import Capabilities, mask_key
from providers import encryption
from providers.classify import FIELDS as LABEL_FIELDS
from providers.classify import Labels
from smmdash.lib.moments import moment

# Money columns: panels quote rates per 1000 with up to 8 decimals; balances fit in 6.
RATE = {"max_digits": 24, "decimal_places": 8}
AMOUNT = {"max_digits": 20, "decimal_places": 6}

# A service counts as new, or as freshly repriced, for this long.
RECENT = timedelta(days=7)


class Provider(models.Model):
    """One account at one SMM panel."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    api_url = models.URLField(_("API URL"), max_length=500)
    # Fernet token (providers.encryption); the plaintext is only ever in memory.
    api_key_encrypted = models.TextField(editable=False)
    api_key_hint = models.CharField(max_length=16, editable=False)
    enabled = models.BooleanField(
        _("enabled"), default=True, help_text=_("Disabled providers are not synced.")
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("The account's currency (ISO code). Taken from the panel when it reports one."),
    )
    currency_from_panel = models.BooleanField(default=False, editable=False)
    # What the panel client learned about this panel (Capabilities.as_dict()), and when it
    # last learned something new; shown as the provider page's compatibility card.
    capabilities = models.JSONField(default=dict, blank=True, editable=False)
    capabilities_learned_at = models.DateTimeField(null=True, blank=True, editable=False)

    balance = models.DecimalField(**AMOUNT, null=True, blank=True, editable=False)
    balance_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    balance_error = models.TextField(blank=True, editable=False)
    # Set when a call to the panel could not connect at all (the name not found, the connection
    # refused, TLS failing before the request left), from the first such call until any call
    # is answered again (providers.services.calls): routing leaves the provider out meanwhile.
    not_connecting_since = models.DateTimeField(null=True, blank=True, editable=False)
    connect_error = models.TextField(blank=True, editable=False)
    low_balance_threshold = models.DecimalField(
        _("low balance threshold"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Highlight the balance when it falls below this (in the account's currency)."),
    )

    sync_interval_minutes = models.PositiveIntegerField(
        _("catalog refresh interval (minutes)"),
        default=360,
        validators=[MinValueValidator(15), MaxValueValidator(7 * 24 * 60)],
    )
    next_sync_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    # Set while a catalog sync holds this provider; it expires on its own if the worker dies.
    sync_lock_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_sync_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sync_ok = models.BooleanField(null=True, editable=False)
    last_sync_error = models.TextField(blank=True, editable=False)
    # The last sync that succeeded (last_sync_* above describe the last attempt).
    catalog_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    active_services = models.PositiveIntegerField(default=0, editable=False)

    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    # The key ------------------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """The plaintext key; raises KeyNotDecryptable rather than hand on anything else."""
        return encryption.decrypt(self.api_key_encrypted)

    def set_api_key(self, plaintext: str):
        plaintext = plaintext.strip()
        self.api_key_encrypted = encryption.encrypt(plaintext)
        self.api_key_hint = mask_key(plaintext)

    @property
    def masked_key(self) -> str:
        return self.api_key_hint or "••••"

    # What pages show ---------------------------------------------------------------------

    @property
    def host(self) -> str:
        return urlsplit(self.api_url).netloc

    @property
    def client_capabilities(self) -> Capabilities:
        return Capabilities.from_dict(self.capabilities)

    @property
    def balance_is_low(self) -> bool:
        return (
            self.balance is not None
            and self.low_balance_threshold is not None
            and self.balance < self.low_balance_threshold
        )

    @property
    def sync_interval(self) -> timedelta:
        return timedelta(minutes=self.sync_interval_minutes)

    @property
    def catalog_stale(self) -> bool:
        """Whether the cached catalog missed two scheduled refreshes (or never synced)."""
        if self.catalog_synced_at is None:
            return True
        return self.catalog_synced_at < timezone.now() - 2 * self.sync_interval

    @property
    def polling_error(self) -> str:
        """Why reading this account's order statuses keeps failing, if it does. The orders app
        keeps that state in a table of its own, one row per provider ("polling"); reading it
        through the reverse relation needs nothing imported from orders."""
        polling = getattr(self, "polling", None)
        return polling.error if polling is not None else ""

    @property
    def health(self) -> tuple[str, str]:
        """(level, words) for the badge: level is ok, warn, bad or off."""
        if not self.enabled:
            return "off", gettext("Disabled")
        if self.not_connecting_since is not None:
            return "bad", gettext("Not connecting since {time}").format(
                time=moment(self.not_connecting_since)
            )
        if self.balance_error:
            return "bad", gettext("Balance check failing")
        if self.last_sync_ok is False:
            return "bad", gettext("Catalog sync failing")
        if self.polling_error:
            return "bad", gettext("Order status checks failing")
        if self.balance_is_low:
            return "warn", gettext("Low balance")
        if self.last_sync_at is None:
            return "warn", gettext("Not synced yet")
        return "ok", gettext("Healthy")


class BalanceSnapshot(models.Model):
    """A balance as read from the panel: the history behind the balance plot."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="balances")
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["provider", "-taken_at"])]

    def __str__(self):
        return f"{self.provider}: {self.amount} {self.currency} at {self.taken_at:%Y-%m-%d %H:%M}"


class Service(models.Model):
    """One service in a provider's catalog, as of the last sync that saw it."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    service_id = models.CharField(max_length=64)
    name = models.CharField(max_length=500)
    category = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=100, blank=True)
    rate = models.DecimalField(**RATE, help_text=_("Price per 1000 in the provider's currency."))
    min = models.BigIntegerField()
    max = models.BigIntegerField()
    # None: the panel's catalog does not say (the action may still work; the panel decides).
    refill = models.BooleanField(null=True, default=False)
    cancel = models.BooleanField(null=True, default=False)
    dripfeed = models.BooleanField(default=False)
    # Vanished services are kept (orders refer to them, and they may come back).
    active = models.BooleanField(default=True)
    first_seen = models.DateTimeField()
    # Written when the service is added, changed or found gone, never for an unchanged one:
    # an active service was also in every sync since (Provider.last_sync_at).
    last_seen = models.DateTimeField()
    previous_rate = models.DecimalField(**RATE, null=True, blank=True)
    rate_changed_at = models.DateTimeField(null=True, blank=True)
    vanished_at = models.DateTimeField(null=True, blank=True)

    # What the service is (providers.classify), read from its name and category as it syncs,
    # unless staff corrected it (labels_fixed), in which case syncs leave these alone.
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    quality = models.CharField(max_length=10, blank=True)
    refill_in_name = models.BooleanField(null=True)
    refill_days = models.PositiveIntegerField(null=True, blank=True)
    geo = models.CharField(max_length=20, blank=True)
    speed = models.CharField(max_length=20, blank=True)
    labels_fixed = models.BooleanField(default=False)

    class Meta:
        ordering = ["provider", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "service_id"], name="unique_service_id"),
        ]
        indexes = [
            models.Index(fields=["provider", "category", "name"]),
            models.Index(fields=["provider", "rate"]),
            models.Index(fields=["platform", "kind"]),
            models.Index(fields=["-vanished_at"]),
            # A panel's id typed into a search; names have trigram indexes on PostgreSQL
            # (migration 0012), so the search's OR of the three is answered by indexes.
            models.Index(fields=["service_id"], name="providers_service_id_idx"),
        ]

    def __str__(self):
        return f"{self.service_id} {self.name}"

    @property
    def labels(self) -> Labels:
        return Labels(**{name: getattr(self, name) for name in LABEL_FIELDS})

    @property
    def offers_refill(self) -> bool | None:
        """Whether a refill can be asked for: the panel's flag, or else what the name says
        (OFFERS_REFILL below is the same condition, for queries)."""
        return self.refill if self.refill is not None else self.refill_in_name

    @property
    def is_new(self) -> bool:
        first_sync = self.provider.first_synced_at
        return (
            first_sync is not None
            and self.first_seen > first_sync
            and self.first_seen > timezone.now() - RECENT
        )

    @property
    def price_changed(self) -> bool:
        return self.rate_changed_at is not None and self.rate_changed_at > timezone.now() - RECENT


OFFERS_REFILL = models.Q(refill=True) | models.Q(refill__isnull=True, refill_in_name=True)


class PriceChange(models.Model):
    """A service's rate as a sync found it: one row when first seen, one per change after."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="price_history")
    old_rate = models.DecimalField(**RATE, null=True, blank=True)
    new_rate = models.DecimalField(**RATE)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at"]
        indexes = [
            models.Index(fields=["service", "changed_at"]),
            models.Index(fields=["-changed_at"]),
        ]

    def __str__(self):
        return f"{self.service}: {self.old_rate} → {self.new_rate}"


class CatalogSync(models.Model):
    """One run of a catalog sync, from the moment it was asked for."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Sync now")
        COMMAND = "command", _("Command")
        NEW_PROVIDER = "new", _("Provider added")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="syncs")
    trigger = models.CharField(max_length=10, choices=Trigger)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    phase = models.CharField(max_length=100, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    reactivated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The panel's own words about the catalog it sent, e.g. why it is empty ("Empty Data").
    panel_said = models.TextField(blank=True)
    # Queued while the broker could not be reached: no task holds it yet, and the catalog
    # dispatcher's tick hands it to the workers once they can be reached.
    waiting_for_workers = models.BooleanField(default=False)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["provider", "-queued_at"])]

    def __str__(self):
        return f"{self.provider} sync {self.queued_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ManualCall(models.Model):
    """When someone last made smmdash call a provider's panel by hand, per kind of call.

    Anyone who can see the dashboard can press Refresh or Sync now; this row is claimed with a
    conditional UPDATE before each such call, so however many people (or scripts) press, a
    panel gets at most one call of each kind a minute from the dashboard.
    """

    class Kind(models.TextChoices):
        BALANCE = "balance", _("balance refresh")
        SYNC = "sync", _("catalog sync")
        STATUSES = "statuses", _("order status refresh")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="manual_calls")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    called_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "kind"], name="one_manual_call_per_kind")
        ]

    def __str__(self):
        return f"{self.provider} {self.kind} at {self.called_at:%Y-%m-%d %H:%M:%S}"


class ApiDay(models.Model):
    """How one provider's API answered on one day, per action: the scorecard's API figures.

    Written when a panel client is done (``providers.services.calls``), never per request, so
    a poll of thousands of orders adds to a handful of rows.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_days")
    day = models.DateField()
    action = models.CharField(max_length=20)
    calls = models.PositiveIntegerField(default=0)
    # Requests that got no answer: a timeout, a broken connection, a 5xx or a web page.
    failures = models.PositiveIntegerField(default=0)
    # Answered requests counted by time taken (smmdash.lib.histograms.LATENCY_MS).
    latency = models.JSONField(default=list)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("API calls on a day")
        verbose_name_plural = _("API calls by day")
        ordering = ["-day", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "day", "action"], name="one_api_day_per_action"
            )
        ]
        indexes = [models.Index(fields=["day", "provider"])]

    def __str__(self):
        return f"{self.provider} {self.action} on {self.day}: {self.calls} calls"
