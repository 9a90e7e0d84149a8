"""{% in_base amount currency as converted %}: an amount in the base currency, in any template.

Templates of apps below this one (a provider's balance) convert through this tag, so their
Python code needs nothing from the rates app.
"""

from django import template

from rates.money import rates_to_base, to_base

register = template.Library()


@register.simple_tag(takes_context=True)
def in_base(context, amount, currency):
    """`amount` of `currency` in the base currency, or None when that currency has no rate."""
    rates = context.get("exchange_rates")
    return to_base(amount, currency, rates if rates is not None else rates_to_base())
