"""Exchange rates: each currency's value in the base currency over time, and their fetches."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """How much one unit of `currency` is worth in `base`, as set at `set_at`.

    Rows are never edited in place: the newest row for a pair is the rate in force, and the
    older ones are its history.
    """

    currency = models.CharField(max_length=3)
    base = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=24, decimal_places=10, validators=[MinValueValidator(0)])
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "providers_exchangerate"  # made by the providers app, where rates began
        ordering = ["currency", "-set_at"]
        indexes = [models.Index(fields=["base", "currency", "-set_at"])]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {self.base}"

    def save(self, *args, **kwargs):
        self.currency = self.currency.upper()
        self.base = self.base.upper()
        super().save(*args, **kwargs)


class RateFetch(models.Model):
    """One run of the exchange-rate fetch: what it stored, or why it could not."""

    source = models.CharField(max_length=200)
    fetched_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    stored = models.JSONField(default=dict, blank=True)  # {currency: rate as text}
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("exchange-rate fetch")
        verbose_name_plural = _("exchange-rate fetches")
        db_table = "providers_ratefetch"
        ordering = ["-fetched_at", "-id"]

    def __str__(self):
        return f"Rates from {self.source} at {self.fetched_at:%Y-%m-%d %H:%M}"
