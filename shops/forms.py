"""The Shops pages' forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shops.models import Product, Shop

SHOP_FIELDS = [
    "name",
    "enabled",
    "markup_percent",
    "price_step",
    "min_margin",
    "requests_per_minute",
    "same_link",
    "price_change",
    "all_products",
    "products",
    "notes",
]


class ShopForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = SHOP_FIELDS
        widgets = {"notes": forms.Textarea({"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = Product.objects.filter(available=True)
        self.fields["products"].required = False


class NewShopForm(ShopForm):
    credit = forms.DecimalField(
        label=_("Opening credit"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=6,
        required=False,
        initial=Decimal(0),
    )


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=6,
        help_text=_("In the base currency; negative to take credit back."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        widget=forms.TextInput({"placeholder": _("e.g. paid by bank transfer, invoice 1042")}),
    )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if not amount:
            raise forms.ValidationError(_("Enter an amount other than zero."))
        return amount
