"""The admin for orders (read-only, with the list's actions), their events and refills."""

from django.contrib import admin, messages

from orders import services
from orders.models import Order, OrderEvent, Refill, SpendDay
from providers.admin import ReadOnlyAdmin
from smmdash.lib.access import PLACE_ORDERS


class EventInline(admin.TabularInline):
    model = OrderEvent
    fields = ["at", "kind", "actor", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RefillInline(admin.TabularInline):
    model = Refill
    fields = ["refill_id", "status", "raw_status", "requested_by", "requested_at", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are written by smmdash (and its event log says who did what): read-only here,
    with the same actions as the order list."""

    list_display = [
        "id",
        "created_at",
        "provider",
        "provider_order_id",
        "service_name",
        "quantity",
        "status",
        "expected_cost",
        "charge",
        "currency",
        "placed_by",
    ]
    list_filter = ["status", "provider", "created_at"]
    search_fields = ["=id", "provider_order_id", "link"]
    list_select_related = ["provider", "placed_by"]
    date_hierarchy = "created_at"
    inlines = [RefillInline, EventInline]
    actions = ["refresh_status", "cancel", "refill"]
    show_full_result_count = False  # no second COUNT(*) over 100,000 orders

    def has_add_permission(self, request):
        return False  # placed from the order form, which checks everything first

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the history of what was bought stays

    @admin.action(description="Refresh status from the panels")
    def refresh_status(self, request, queryset):
        for result in services.refresh_now(queryset.select_related("provider")):
            self.message_user(request, str(result))

    @admin.action(description="Cancel at the panel", permissions=["place"])
    def cancel(self, request, queryset):
        self._act(request, queryset, "cancel")

    @admin.action(description="Refill at the panel", permissions=["place"])
    def refill(self, request, queryset):
        self._act(request, queryset, "refill")

    def has_place_permission(self, request):
        return request.user.has_perm(PLACE_ORDERS)

    def _act(self, request, queryset, action):
        orders = queryset.select_related("provider", "service")
        accepted, refused = services.act_on_each(orders, action, request.user)
        self.message_user(request, f"The panels accepted {action} for {accepted} orders.")
        for order, reason in refused:
            self.message_user(request, f"Order {order.pk}: {reason}", messages.WARNING)


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["at", "order", "kind", "actor", "message"]
    list_filter = ["kind"]
    search_fields = ["=order__id", "message"]
    list_select_related = ["order", "order__provider", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpendDay)
class SpendDayAdmin(ReadOnlyAdmin):
    list_display = [
        "provider",
        "day",
        "platform",
        "kind",
        "orders",
        "spent",
        "refunded",
        "difference",
        "currency",
    ]
    list_filter = ["provider", "platform"]
    list_select_related = ["provider"]
    date_hierarchy = "day"
