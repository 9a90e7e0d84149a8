"""The demo app's configuration."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: `setup_demo`, `runsimulator` and the demo's providers and orders on the
    simulated panels. Installed only when DEBUG or DEMO is on, so production imports no
    simulator."""

    name = "demo"
    verbose_name = "Demo"
