"""Shops in the admin: edited like on the Shops page; a new shop's key is shown once, in the
message after saving. Orders, the ledger and the API feed are read-only records."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from providers.admin import ReadOnlyAdmin
from shops import services
from shops.models import ApiCall, LedgerEntry, Product, ProductPrice, Shop, ShopOrder


class ProductPriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "balance", "markup_percent", "requests_per_minute"]
    list_filter = ["enabled"]
    search_fields = ["name"]
    readonly_fields = ["key_hint", "key_set_at", "balance", "created_at"]
    filter_horizontal = ["products"]
    inlines = [ProductPriceInline]
    actions = ["rotate_keys"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in ("name", "products")
        }
        shop, key = services.create_shop(obj.name, user=request.user, **fields)
        obj.pk, obj.key_hash = shop.pk, shop.key_hash
        obj._state.adding = False
        messages.warning(
            request,
            _("The API key of {shop} is {key}. It is shown only this once: copy it now.").format(
                shop=shop.name, key=key
            ),
        )

    @admin.action(description=_("Make a new API key (the old one stops working)"))
    def rotate_keys(self, request, queryset):
        for shop in queryset:
            key = services.rotate_key(shop)
            messages.warning(
                request,
                _("The new API key of {shop} is {key}. It is shown only this once.").format(
                    shop=shop.name, key=key
                ),
            )


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["pk", "name", "category", "available", "cost", "min", "max", "priced_at"]
    list_filter = ["available", "category"]
    search_fields = ["name"]


class ReadOnly(ReadOnlyAdmin):
    """Money and calls are records: never edited, never deleted by hand."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShopOrder)
class ShopOrderAdmin(ReadOnly):
    list_display = ["pk", "shop", "product", "quantity", "charge", "refund", "state", "final"]
    list_filter = ["state", "final", "shop"]
    search_fields = ["link", "pk"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ["at", "shop", "kind", "amount", "note", "shop_order"]
    list_filter = ["kind", "shop"]


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnly):
    list_display = ["at", "shop", "action", "ok", "answer", "took_ms"]
    list_filter = ["action", "ok", "shop"]
