"""Alerts, rules, channels and deliveries in the admin. A channel's target is never shown:
channels are added and changed on the Notifications page, where it is written, not read."""

from django.contrib import admin

from alerts.models import Alert, Channel, Delivery, Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "enabled", "threshold", "remind_every_minutes"]
    list_editable = ["enabled", "threshold", "remind_every_minutes"]
    filter_horizontal = ["channels"]

    def has_add_permission(self, request):
        return False  # one rule per kind, made by a migration


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "target_hint", "enabled", "created_at"]
    fields = ["name", "kind", "target_hint", "enabled", "created_by", "created_at"]
    readonly_fields = ["kind", "target_hint", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "rule", "opened_at", "resolved_at", "acknowledged_at"]
    list_filter = ["rule", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key"]
    # What an alert says is written by the tick, masked against the stored API keys first;
    # typed here, it would be stored as typed.
    readonly_fields = [
        "rule",
        "key",
        "title",
        "detail",
        "path",
        "provider",
        "opened_at",
        "last_seen_at",
        "notified_at",
        "resolved_at",
        "acknowledged_by",
    ]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "is_test"]
    readonly_fields = [
        "channel",
        "alerts",
        "is_test",
        "subject",
        "body",
        "attempts",
        "sent_at",
        "created_at",
        "lock_until",
    ]
