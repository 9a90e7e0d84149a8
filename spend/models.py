"""Top-ups of provider accounts, found in the balance history or recorded by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers.models import AMOUNT, BalanceSnapshot, Provider


def not_after_today(moment):
    """A top-up is money already put in: one dated after today (in TIME_ZONE) is a typing
    slip, and would never fall in any period the Spend page shows."""
    if moment is not None and timezone.localdate(moment) > timezone.localdate():
        raise ValidationError(
            _("A top-up cannot be dated after today: give the day the money was put in."),
            code="future",
        )


class TopUp(models.Model):
    """Money put into a provider account: a rise of the balance that the orders' refunds do not
    explain (spend.services.topups), or one staff recorded."""

    class Source(models.TextChoices):
        DETECTED = "detected", _("Found in the balance")
        MANUAL = "manual", _("Added by hand")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="top_ups", verbose_name=_("provider")
    )
    amount = models.DecimalField(**AMOUNT, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, blank=True)
    at = models.DateTimeField(default=timezone.now, validators=[not_after_today])
    source = models.CharField(max_length=10, choices=Source, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The balance reading that showed the rise: one top-up per reading, however often the
    # balance history is read.
    snapshot = models.OneToOneField(
        BalanceSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="top_up"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["provider", "-at"]), models.Index(fields=["-at"])]

    def __str__(self):
        return f"{self.amount} {self.currency} into {self.provider} at {self.at:%Y-%m-%d %H:%M}"


class BalanceReview(models.Model):
    """How far one provider's balance history has been read for top-ups."""

    provider = models.OneToOneField(
        Provider, on_delete=models.CASCADE, primary_key=True, related_name="balance_review"
    )
    # The newest reading looked at (readings are written in time order, so ids follow time).
    last_snapshot_id = models.BigIntegerField()
    # Charges and refunds ("refund 12") already counted, in a pair up to that reading, though
    # smmdash learned of them after it: the next look leaves them out.
    counted_ahead = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"{self.provider}: balance read for top-ups up to reading {self.last_snapshot_id}"
