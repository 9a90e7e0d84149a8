"""The admin for worker heartbeats."""

from django.contrib import admin

from dashboard.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen"]
    readonly_fields = ["hostname", "last_seen"]

    def has_add_permission(self, request):
        return False
