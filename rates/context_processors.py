"""What every page's template knows from the rates app: the rates in force, read lazily."""

from django.utils.functional import SimpleLazyObject

from rates.money import rates_to_base


def exchange_rates(request):
    """The rates in force, for {% in_base %}: read once per page, and only if a template asks."""
    return {"exchange_rates": SimpleLazyObject(rates_to_base)}
