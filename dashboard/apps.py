"""The dashboard app's configuration: roles made after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from dashboard import signals  # noqa: F401 (connects the receivers)
        from smmdash.lib.access import ensure_roles

        # After every migrate, so a fresh database has its roles at once.
        post_migrate.connect(ensure_roles, sender=self)
