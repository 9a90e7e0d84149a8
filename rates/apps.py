"""The rates app's configuration."""

from django.apps import AppConfig


class RatesConfig(AppConfig):
    name = "rates"
    verbose_name = "Exchange rates"
