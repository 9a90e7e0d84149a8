"""The admin for providers (with the connection test) and their catalogs and records."""

from django import forms
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from providers import encryption, services
from providers.forms import ProviderForm
from providers.models import (
    ApiDay,
    BalanceSnapshot,
    CatalogSync,
    PriceChange,
    Provider,
    Service,
)
from smmdash.lib.access import MANAGE_PROVIDERS
from smmdash.lib.numbers import amount_text


class ProviderAdminForm(ProviderForm):
    """The dashboard's form, with its URL check and write-only key. The admin has no "save
    anyway": a connection that fails the test is an error here."""

    def clean(self):
        cleaned = super().clean()
        self.check = None
        if self.errors or "api_key" not in self.fields or not self.needs_connection_test:
            return cleaned
        try:
            self.check = services.check_connection(cleaned["api_url"], self.key_to_test())
        except encryption.KeyNotDecryptable:
            pass  # key_to_test put the reason on the key field
        except services.ProviderProblem as problem:
            raise forms.ValidationError(
                _("Connection test failed: {problem}").format(problem=problem)
            ) from None
        self.check_currency(self.check and self.check.balance)
        return cleaned


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records smmdash writes itself: to look at and search, not to edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderAdminForm
    list_display = [
        "name",
        "host",
        "masked_key",
        "enabled",
        "balance_in_currency",
        "active_services",
        "last_sync",
    ]
    list_filter = ["enabled", "currency", "last_sync_ok"]
    search_fields = ["name", "api_url", "notes"]
    readonly_fields = [
        "masked_key",
        "currency_from_panel",
        "capabilities",
        "balance",
        "balance_checked_at",
        "balance_error",
        "next_sync_at",
        "last_sync_at",
        "last_sync_ok",
        "last_sync_error",
        "catalog_synced_at",
        "active_services",
        "created_at",
        "updated_at",
    ]
    actions = ["sync_now", "refresh_balances"]

    @method_decorator(sensitive_post_parameters("api_key"))
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @admin.display(description=_("API key"))
    def masked_key(self, provider):
        return provider.masked_key

    # Balance and currency in one column, and the last sync's time and outcome in another,
    # so the list fits a laptop's screen.
    @admin.display(description=_("Balance"), ordering="balance")
    def balance_in_currency(self, provider):
        return amount_text(provider.balance, provider.currency)

    @admin.display(description=_("Last sync"), ordering="last_sync_at")
    def last_sync(self, provider):
        if provider.last_sync_at is None:
            return _("never")
        when = naturaltime(provider.last_sync_at)
        return when if provider.last_sync_ok else _("{when}, failed").format(when=when)

    def get_fields(self, request, obj=None):
        editable = ["name", "api_url", "api_key", "enabled", "currency"]
        editable += ["low_balance_threshold", "sync_interval_minutes", "notes"]
        if not request.user.has_perm(MANAGE_PROVIDERS):
            editable.remove("api_key")
        return editable + self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        # Only the Manage providers role may point an account elsewhere or change its key.
        if request.user.has_perm(MANAGE_PROVIDERS):
            return self.readonly_fields
        return ["api_url", *self.readonly_fields]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.has_perm(MANAGE_PROVIDERS):
            # Declared fields outlive `fields`; without this a crafted POST could set a key.
            del form.base_fields["api_key"]
        return form

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PROVIDERS) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        api_key = form.cleaned_data.get("api_key", "")
        services.save_provider(
            obj, api_key=api_key, check=form.check, relearn=form.needs_connection_test
        )
        if not change and obj.enabled:
            services.request_sync(obj, CatalogSync.Trigger.NEW_PROVIDER, request.user)

    @admin.action(description="Sync the catalogs of the selected providers")
    def sync_now(self, request, queryset):
        queued = 0
        for provider in queryset:
            try:
                services.request_sync(provider, CatalogSync.Trigger.MANUAL, request.user)
            except services.TooSoon as problem:
                self.message_user(request, str(problem), messages.WARNING)
            else:
                queued += 1
        self.message_user(request, f"Queued {queued} catalog syncs.")

    @admin.action(description="Refresh the balances of the selected providers")
    def refresh_balances(self, request, queryset):
        for provider in queryset:
            try:
                balance = services.refresh_balance_by_hand(provider)
            except services.TooSoon as problem:
                self.message_user(request, str(problem), messages.WARNING)
                continue
            except services.ProviderProblem as problem:
                message = f"Could not read the balance of {provider}: {problem}"
                self.message_user(request, message, messages.ERROR)
            else:
                amount = amount_text(balance.amount, provider.currency)
                self.message_user(request, f"Balance of {provider}: {amount}")


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["service_id", "name", "provider", "platform", "kind", "rate", "min", "max"]
    list_display += ["active"]
    list_filter = ["provider", "active", "platform", "kind", "quality", "labels_fixed", "refill"]
    list_filter += ["cancel", "dripfeed", "type"]
    search_fields = ["service_id", "name", "category"]
    list_select_related = ["provider"]
    show_full_result_count = False


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdmin):
    list_display = ["service", "provider", "old_rate", "new_rate", "changed_at"]
    list_filter = ["service__provider"]
    search_fields = ["service__name", "service__service_id"]
    list_select_related = ["service__provider"]
    date_hierarchy = "changed_at"
    show_full_result_count = False

    @admin.display(ordering="service__provider__name")
    def provider(self, change):
        return change.service.provider


@admin.register(CatalogSync)
class CatalogSyncAdmin(ReadOnlyAdmin):
    list_display = ["provider", "queued_at", "trigger", "status", "added", "changed"]
    list_display += ["reactivated", "removed", "unchanged", "error"]
    list_filter = ["status", "trigger", "provider"]
    search_fields = ["provider__name", "error"]
    list_select_related = ["provider"]
    date_hierarchy = "queued_at"


@admin.register(BalanceSnapshot)
class BalanceSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["provider", "amount", "currency", "taken_at"]
    list_filter = ["provider", "currency"]
    search_fields = ["provider__name"]
    list_select_related = ["provider"]
    date_hierarchy = "taken_at"


@admin.register(ApiDay)
class ApiDayAdmin(ReadOnlyAdmin):
    list_display = ["provider", "day", "action", "calls", "failures", "last_failure_at"]
    list_filter = ["provider", "action"]
    search_fields = ["provider__name", "last_failure"]
    list_select_related = ["provider"]
    date_hierarchy = "day"
