"""The provider form: connection tested on save, the key write-only."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from panel.addresses import UnsafeProviderURL, check_provider_url
from providers import encryption
from providers.models import Provider
from providers.services.accounts import accounts_at, same_account
from smmdash.lib.currencies import currency_code


class ApiKeyField(forms.CharField):
    """Write-only: the stored key is never put back into the page."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class ProviderForm(forms.ModelForm):
    api_key = ApiKeyField(
        label=_("API key"),
        required=False,
        strip=True,
        help_text=_("Found in the panel's API page or account settings."),
    )
    save_anyway = forms.BooleanField(
        required=False,
        label=_("Save anyway, without a working connection"),
        help_text=_(
            "The provider is saved; balance and catalog stay empty until the panel answers."
        ),
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "api_url",
            "api_key",
            "currency",
            "low_balance_threshold",
            "sync_interval_minutes",
            "enabled",
            "notes",
        ]
        widgets = {
            "api_url": forms.URLInput(attrs={"placeholder": "https://panel.example/api/v2"}),
            "currency": forms.TextInput(attrs={"placeholder": "USD", "size": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.adding = self.instance.pk is None
        self.connection_error = None
        key_field = self.fields.get("api_key")  # the admin leaves it out for some users
        if key_field:
            key_field.required = self.adding
        if key_field and not self.adding:
            key_field.help_text = _(
                "Stored encrypted, ending {masked_key}. Leave blank to keep it; type a new one "
                "to replace it."
            ).format(masked_key=self.instance.masked_key)
        if self.instance.currency_from_panel:
            self.fields["currency"].help_text = _("Reported by the panel; it wins over this field.")

    def clean_api_url(self):
        url = self.cleaned_data["api_url"].strip()
        try:
            check_provider_url(url)
        except UnsafeProviderURL as problem:
            raise forms.ValidationError(str(problem)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        self.same_panel = []
        url = cleaned.get("api_url")
        if url:
            self._refuse_a_second_copy(url, cleaned.get("api_key"))
        return cleaned

    def _refuse_a_second_copy(self, url: str, typed_key: str | None):
        """The same panel account twice would count its balance twice and list every offer
        twice: refused. Another account at the same panel is kept in `same_panel`, to warn."""
        others = accounts_at(url, other_than=self.instance)
        try:
            key = typed_key or (self.instance.api_key if not self.adding else "")
        except encryption.KeyNotDecryptable:
            key = ""
        twin = same_account(others, key) if key else None
        if twin is not None:
            link = reverse("providers:detail", args=[twin.pk])
            raise forms.ValidationError(
                format_html(
                    'This panel account is already saved as <a href="{}">{}</a>.', link, twin
                ),
                code="duplicate",
            )
        self.same_panel = others

    def clean_currency(self):
        typed = self.cleaned_data["currency"].strip()
        if not typed:
            return ""
        # What the panel itself reported stands, ISO or not (an old "RUR").
        return currency_code(typed, also={self.instance.currency} - {""})

    @property
    def needs_connection_test(self) -> bool:
        """New providers, a new URL or a new key are tested; other edits are not."""
        typed_key = self.cleaned_data.get("api_key")
        return self.adding or "api_url" in self.changed_data or bool(typed_key)

    def key_to_test(self) -> str:
        """The typed key, or the stored one when the field was left blank."""
        typed = self.cleaned_data.get("api_key")
        if typed:
            return typed
        try:
            return self.instance.api_key
        except encryption.KeyNotDecryptable as problem:
            self.add_error("api_key", str(problem))
            raise

    def check_currency(self, balance):
        """A panel that does not report its currency (smmub) needs one typed in."""
        if balance and not balance.currency and not self.cleaned_data.get("currency"):
            self.add_error(
                "currency",
                _("This panel does not say which currency it uses: enter it (e.g. RUB)."),
            )

    def connection_failed(self, message: str):
        """Keep the panel's answer to show it, and offer to save anyway. Not a form error:
        the form stays valid, so staff can choose to save it as it is."""
        self.connection_error = message

    @property
    def blocked_by_connection(self) -> bool:
        return bool(self.connection_error) and not self.cleaned_data["save_anyway"]
