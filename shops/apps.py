"""Shops: the reseller's own panels (and partners) buying from smmdash through its panel API."""

from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = "Shops"

    def ready(self):
        from shops import signals  # noqa: F401 (connects the receivers)
