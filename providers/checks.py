"""System checks: PROVIDER_SECRET_KEYS must be set and usable."""

from django.core.checks import Error, register

from providers import encryption


@register()
def provider_secret_keys(app_configs, **kwargs):
    problem = encryption.configuration_problem()
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Set PROVIDER_SECRET_KEYS (see .env.example).",
            id="providers.E001",
        )
    ]
