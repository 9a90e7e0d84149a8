"""The accounts app's configuration: its sign-in signal receiver."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and two-factor"

    def ready(self):
        from accounts import signals  # noqa: F401 (connects the receivers)
