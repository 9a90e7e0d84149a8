"""Shops that buy through smmdash's panel API, their credit ledger, the products they buy and
the orders they send, each followed to the order (or orders, after failover) that smmdash
placed upstream for it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compare.models import ServiceGroup
from orders.models import Order, Refill
from providers.models import AMOUNT, RATE


class Shop(models.Model):
    """One buyer of smmdash's API: the reseller's own panel, a second panel, a partner."""

    class SameLink(models.TextChoices):
        MARK = "mark", _("Let it through and mark it")
        REFUSE = "refuse", _("Refuse it")

    class PriceChange(models.TextChoices):
        ROUTE = "route", _("Route it at the old price (the loss shows on Spend)")
        REFUSE = "refuse", _("Refuse it")

    name = models.CharField(_("name"), max_length=100, unique=True)
    # SHA-256 of the key: the key itself is shown once and never stored.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(max_length=8, editable=False)
    key_set_at = models.DateTimeField(default=timezone.now, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    # The ledger's sum, kept in step with it in the same transaction as each row.
    balance = models.DecimalField(**AMOUNT, default=Decimal(0), editable=False)

    markup_percent = models.DecimalField(
        _("markup (%)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(30),
        validators=[MinValueValidator(0)],
        help_text=_("Added to the route's cost to make the shop's price."),
    )
    price_step = models.DecimalField(
        _("price step"),
        **RATE,
        default=Decimal("0.01"),
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text=_("Prices per 1000 are rounded up to a multiple of this."),
    )
    min_margin = models.DecimalField(
        _("minimum margin per 1000"),
        **RATE,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("The price per 1000 is never less than the cost plus this."),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=600, validators=[MinValueValidator(1)]
    )
    all_products = models.BooleanField(
        _("all products"),
        default=True,
        help_text=_("Off: the shop may buy only the products chosen below."),
    )
    products = models.ManyToManyField(
        "Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    same_link = models.CharField(
        _("an order for a link that has an open order"),
        max_length=8,
        choices=SameLink,
        default=SameLink.MARK,
    )
    price_change = models.CharField(
        _("an order at a price that has since risen"),
        max_length=8,
        choices=PriceChange,
        default=PriceChange.ROUTE,
    )
    notes = models.TextField(_("notes"), blank=True)

    # The requests-per-minute window (a conditional UPDATE counts each request).
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """What a shop buys: a curated group, or an automatic class of equivalent services (the
    same platform, kind, quality and geo). Its id is the API's service id, so the row is never
    deleted: a product with no healthy offer is only unavailable."""

    # "group:<id>" or "labels:<platform>/<kind>/<quality>/<geo>": one row per product, forever.
    key = models.CharField(max_length=120, unique=True)
    group = models.ForeignKey(
        ServiceGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    quality = models.CharField(max_length=20, blank=True)
    geo = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)

    # The route as last priced (shops.services.catalog.refresh_products).
    available = models.BooleanField(default=False)
    cost = models.DecimalField(
        **RATE,
        null=True,
        blank=True,
        help_text=_("The route's cost per 1000 in the base currency."),
    )
    min = models.BigIntegerField(default=0)
    max = models.BigIntegerField(default=0)
    refill = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    dripfeed = models.BooleanField(default=False)
    priced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class ProductPrice(models.Model):
    """A manager's own price of one product for one shop, instead of the markup's."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    rate = models.DecimalField(**RATE, validators=[MinValueValidator(0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "product"], name="one_price_per_shop_product")
        ]

    def __str__(self):
        return f"{self.product} for {self.shop}: {self.rate}"


class Quote(models.Model):
    """The price per 1000 a shop was last told for a product (its `services` call): its panel
    sells at it until it reads the catalog again."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="quotes")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    rate = models.DecimalField(**RATE)
    quoted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "product"], name="one_quote_per_shop_product")
        ]

    def __str__(self):
        return f"{self.product} quoted to {self.shop} at {self.rate}"


class ShopOrder(models.Model):
    """One order a shop sent. Its id is the shop's order id; what smmdash placed for it is
    `order`, the live attempt (it moves on along `Order.next_attempt` after a refusal)."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted, not routed yet")
        ROUTED = "routed", _("Placed upstream")
        SETTLED = "settled", _("Settled")

    class Final(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        PARTIAL = "partial", _("Partial")
        CANCELED = "canceled", _("Canceled")
        REFUNDED = "refunded", _("Refunded")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    link = models.CharField(max_length=2000)
    link_key = models.CharField(max_length=300, blank=True)
    quantity = models.PositiveIntegerField()
    extra = models.JSONField(default=dict, blank=True)
    # The shop's price per 1000 and what it was charged (the price x quantity, x runs); the
    # route's cost per 1000 when it was accepted, both in the base currency.
    rate = models.DecimalField(**RATE)
    charge = models.DecimalField(**AMOUNT)
    cost = models.DecimalField(**RATE, null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.ACCEPTED)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="shop_orders"
    )
    # The link already had an open order of the same kind (the shop's setting let it through).
    overlapped = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    final = models.CharField(max_length=10, choices=Final, blank=True)
    refund = models.DecimalField(**AMOUNT, default=Decimal(0))
    settled_at = models.DateTimeField(null=True, blank=True)
    # When the shop asked to cancel, and when smmdash asked the panel (once).
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_asked_at = models.DateTimeField(null=True, blank=True)
    # When the task that routes it, or asks the panel to cancel it, should have run; None: no
    # task holds it (the broker refused it). The tick hands it over again once this is
    # ORDER_QUEUED_STALLED_SECONDS past, as orders' send_task_due_at.
    route_task_due_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    cancel_task_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "-created_at"]),
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["link_key", "state"]),
        ]

    def __str__(self):
        return f"Shop order {self.pk} of {self.shop_id}"

    @property
    def runs(self) -> int:
        return int(self.extra.get("runs", 1))


class RepeatClaim(models.Model):
    """The first order of one shop for one set of fields (product, link, quantity, extras):
    a repeat within SHOP_ADD_REPEAT_WINDOW finds it here. The unique key makes concurrent
    repeats wait for, then find, the first."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    shop_order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "fingerprint"], name="one_claim_per_request")
        ]

    def __str__(self):
        return f"Request {self.fingerprint[:8]} of shop {self.shop_id}: order {self.shop_order_id}"


class LedgerEntry(models.Model):
    """One movement of a shop's credit: every row is kept, and the balance is their sum."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="ledger")
    kind = models.CharField(max_length=8, choices=Kind)
    amount = models.DecimalField(**AMOUNT)  # positive in, negative out
    note = models.CharField(max_length=300, blank=True)
    shop_order = models.ForeignKey(
        ShopOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("ledger entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["shop", "-at"])]
        constraints = [
            # A second guard under the conditional UPDATEs: one charge and one refund an order.
            models.UniqueConstraint(
                fields=["shop_order", "kind"],
                condition=models.Q(shop_order__isnull=False),
                name="one_movement_per_order_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} for {self.shop_id}"


class ShopRefill(models.Model):
    """A refill a shop asked for; its id is the shop's refill id."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        REJECTED = "rejected", _("Rejected")

    shop_order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="refills")
    refill = models.OneToOneField(
        Refill, null=True, blank=True, on_delete=models.SET_NULL, related_name="shop_refill"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.REQUESTED)
    error = models.CharField(max_length=300, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    # As ShopOrder.route_task_due_at, for the task that asks the panel for it.
    task_due_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Refill {self.pk} of shop order {self.shop_order_id}"


class WrongKeys(models.Model):
    """How many calls with a key that opens no shop (wrong, or a disabled shop's) one client
    address made in the current minute: over SHOP_API_WRONG_KEYS_PER_MINUTE, its calls are
    refused before any key is looked up. A row per address, counted by one INSERT ... ON
    CONFLICT, so the limit holds across processes; the tick removes past minutes."""

    address = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.count} wrong keys from {self.address}"


class ApiCall(models.Model):
    """One request to the shops' API, as its feed shows it: the action and the answer, never
    the key. Only calls that name a shop are kept: wrong keys are counted per address
    (WrongKeys), so no one without a key can fill this table."""

    shop = models.ForeignKey(
        Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    action = models.CharField(max_length=20)
    ok = models.BooleanField(default=True)
    answer = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    took_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["shop", "-at"]), models.Index(fields=["-at"])]

    def __str__(self):
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M:%S}"
