"""Filters that write scorecard figures in words, and the provider page's scorecard card
(a tag, so the providers app shows it without importing this one)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from scores.cards import provider_cards
from smmdash.lib import moments
from smmdash.lib.numbers import localize_separators

register = template.Library()


@register.filter
def share(value):
    """A fraction as a percentage: 0.974 → "97.4%", 1 → "100%"; "" for None."""
    if value is None:
        return ""
    percent = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{percent.normalize():f}" if percent != percent.to_integral() else f"{percent:.0f}"
    return f"{localize_separators(text)}%"


@register.filter
def share_of(delivery, name):
    """``{{ delivery|share_of:"partial" }}``: the share of finished orders that ended so."""
    return delivery.share_of(name)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def took(seconds):
    """Seconds in the unit that reads best: "45 s", "12 min", "3.5 h", "2.1 days"."""
    if seconds is None:
        return ""
    seconds = float(seconds)
    if seconds < 60:
        return _("{n} s").format(n=f"{seconds:.0f}")
    if seconds < 3600:
        return _("{n} min").format(n=f"{seconds / 60:.0f}")
    if seconds < 86400:
        return _("{n} h").format(n=_one_decimal(seconds / 3600))
    return _("{n} days").format(n=_one_decimal(seconds / 86400))


def _one_decimal(number: float) -> str:
    """3.5 → "3.5" ("3,5" in Russian), 2.0 → "2"."""
    return localize_separators(f"{number:.1f}".removesuffix(".0"))


@register.filter
def milliseconds(value):
    """A latency: "240 ms", "1.2 s"."""
    if value is None:
        return ""
    if value < 1000:
        return _("{n} ms").format(n=f"{value:.0f}")
    return _("{n} s").format(n=localize_separators(f"{value / 1000:.1f}"))


@register.simple_tag
def trend(chart, label):
    """A figure's small trend over the period (drawn by scores.periods), or nothing."""
    if not chart:
        return ""
    return format_html(
        '<svg class="sparkline trend" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="{label} from {start} to {end}">'
        '<polyline class="chart-line" points="{points}"/></svg>',
        w=chart["width"],
        h=chart["height"],
        label=label,
        start=moments.day(date.fromisoformat(chart["start"])),
        end=moments.day(date.fromisoformat(chart["end"])),
        points=chart["points"],
    )


@register.inclusion_tag("scores/_provider_card.html")
def provider_scorecard(provider):
    return {"provider": provider, "cards": provider_cards(provider)}
