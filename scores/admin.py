"""The scorecards' daily rollups in the admin: computed by smmdash, to look at, not to edit."""

from django.contrib import admin

from providers.admin import ReadOnlyAdmin
from scores.models import ProviderDay, ServiceDay

FIGURES = ["day", "orders", "completed", "partial", "failed", "rejected", "needs_checking"]


@admin.register(ProviderDay)
class ProviderDayAdmin(ReadOnlyAdmin):
    list_display = ["provider", *FIGURES, "computed_at"]
    list_filter = ["provider"]
    list_select_related = ["provider"]
    date_hierarchy = "day"


@admin.register(ServiceDay)
class ServiceDayAdmin(ReadOnlyAdmin):
    list_display = ["service", "provider", *FIGURES]
    list_filter = ["provider"]
    search_fields = ["service__name", "service__service_id"]
    list_select_related = ["service", "provider"]
    raw_id_fields = ["service"]
    date_hierarchy = "day"
