"""The admin for exchange rates (added, never edited) and rate fetches."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from providers.admin import ReadOnlyAdmin
from rates.models import ExchangeRate, RateFetch
from rates.services import currencies_in_use
from smmdash.lib.currencies import currency_code


class ExchangeRateAdminForm(forms.ModelForm):
    """The rates page's rules: a currency code, and a rate above zero."""

    class Meta:
        model = ExchangeRate
        fields = ["currency", "base", "rate", "note"]

    def clean_currency(self):
        return currency_code(self.cleaned_data["currency"], also=currencies_in_use())

    def clean_base(self):
        return currency_code(self.cleaned_data["base"])

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate is not None and rate <= 0:
            raise forms.ValidationError(
                _("A rate is above zero: what one unit is worth in the base.")
            )
        return rate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateAdminForm
    list_display = ["currency", "base", "rate", "set_at", "set_by", "note"]
    list_filter = ["currency", "base"]
    search_fields = ["currency", "note"]
    fields = ["currency", "base", "rate", "note"]

    def has_change_permission(self, request, obj=None):
        # A new rate is a new row, so the history of rates stays.
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"base": settings.BASE_CURRENCY}

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RateFetch)
class RateFetchAdmin(ReadOnlyAdmin):
    list_display = ["fetched_at", "source", "ok", "stored", "error"]
    list_filter = ["ok", "source"]
