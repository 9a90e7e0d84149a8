"""The form that sets a currency's rate by hand."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rates.services import currencies_in_use
from smmdash.lib.currencies import currency_code


class RateForm(forms.Form):
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        max_length=3,
        error_messages={"invalid": _("A three-letter currency code.")},
    )
    rate = forms.DecimalField(
        max_digits=24,
        decimal_places=10,
        min_value=Decimal("0.0000000001"),
        error_messages={"min_value": _("A rate is above zero (at most 10 decimal places).")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].label = _("Value of 1 unit in {base_currency}").format(
            base_currency=settings.BASE_CURRENCY
        )

    def clean_currency(self):
        # A currency a provider reports stands, ISO or not (an old "RUR"), since it needs a rate.
        currency = currency_code(self.cleaned_data["currency"], also=currencies_in_use())
        if currency == settings.BASE_CURRENCY:
            raise forms.ValidationError(
                _("{currency} is the base currency: its rate is always 1.").format(
                    currency=currency
                )
            )
        return currency
