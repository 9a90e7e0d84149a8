"""Spend: what was spent where, top-ups, and how long each account's balance will last."""

from django.apps import AppConfig


class SpendConfig(AppConfig):
    name = "spend"
    verbose_name = "Spend"
