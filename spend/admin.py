"""Top-ups in the admin."""

from django.contrib import admin

from spend.models import TopUp


@admin.register(TopUp)
class TopUpAdmin(admin.ModelAdmin):
    list_display = ["provider", "amount", "currency", "at", "source", "note", "recorded_by"]
    list_filter = ["provider", "source"]
    list_select_related = ["provider", "recorded_by"]
    readonly_fields = ["snapshot", "source", "recorded_by", "corrected_at"]
    date_hierarchy = "at"
