"""Alerts: rules over balances, orders, syncs and prices, and the channels that reach staff."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"
