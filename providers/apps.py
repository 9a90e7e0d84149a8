"""The providers app's configuration: its system checks."""

from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers"

    def ready(self):
        from providers import checks  # noqa: F401 (registers the system checks)
