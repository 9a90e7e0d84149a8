"""Scorecards: how well each provider, service and product delivers, from smmdash's own orders."""

from django.apps import AppConfig


class ScoresConfig(AppConfig):
    name = "scores"
    verbose_name = "Scorecards"
