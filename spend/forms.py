"""The Spend page's filters and the top-up form."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from providers.models import Provider
from smmdash.lib.days import today
from spend.models import TopUp
from spend.services import BUCKETS, Period

PERIODS = {
    "7": _("Last 7 days"),
    "30": _("Last 30 days"),
    "90": _("Last 90 days"),
    "month": _("This month"),
    "last-month": _("Last month"),
    "custom": _("From … to …"),
}
MAX_DAYS = 800


class SpendFilter(forms.Form):
    provider = forms.ModelChoiceField(
        Provider.objects.all(), required=False, empty_label=_("All providers")
    )
    period = forms.ChoiceField(choices=PERIODS.items(), required=False, initial="30")
    start = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(required=False, label=_("To"), widget=forms.DateInput({"type": "date"}))
    bucket = forms.ChoiceField(
        choices=[("", _("Day or week")), *BUCKETS.items()], required=False, label=_("Per")
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise ValidationError(_("Give both dates of the period, or choose another period."))
            if end < start:
                raise ValidationError(_("The period ends before it starts."))
            if (end - start).days >= MAX_DAYS:
                raise ValidationError(
                    _("Choose a period of at most {MAX_DAYS} days.").format(MAX_DAYS=MAX_DAYS)
                )
        return data

    def chosen(self, now=None) -> tuple[Period, str, list[int]]:
        """(period, bucket, provider ids) from valid data, or the defaults."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = _period(data.get("period") or "30", data.get("start"), data.get("end"), now)
        bucket = data.get("bucket") or ("day" if period.days <= 45 else "week")
        provider = data.get("provider")
        return period, bucket, [provider.pk] if provider else []


def _period(choice, start, end, now) -> Period:
    day = today(now)
    if choice == "custom" and start and end:
        return Period(start, end)
    if choice == "month":
        return Period(day.replace(day=1), day)
    if choice == "last-month":
        last = day.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    return Period.last(int(choice) if choice in ("7", "30", "90") else 30, now)


class TopUpForm(forms.ModelForm):
    class Meta:
        model = TopUp
        fields = ["provider", "amount", "at", "note"]
        labels = {"at": _("When"), "amount": _("Amount (in the account's currency)")}
        widgets = {
            "at": forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "note": forms.TextInput({"placeholder": _("e.g. paid by card, invoice 1042")}),
        }

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].min_value = 0
        if correcting:
            del self.fields["provider"]
            self.fields["note"].required = True
            self.fields["note"].help_text = _(
                "Say why it is corrected: it is kept with the top-up."
            )
