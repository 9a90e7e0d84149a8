"""Filters that write scorecard figures in words, and the provider page's scorecard card
(a tag, so the providers app shows it without importing this one)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from scores.cards import provider_cards

register = template.Library()


@register.filter
def share(value):
    """A fraction as a percentage: 0.974 → "97.4%", 1 → "100%"; "" for None."""
    if value is None:
        return ""
    percent = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{percent.normalize():f}%" if percent != percent.to_integral() else f"{percent:.0f}%"


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
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"{seconds / 86400:.1f} days".replace(".0 days", " days")


@register.filter
def milliseconds(value):
    """A latency: "240 ms", "1.2 s"."""
    if value is None:
        return ""
    return f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.1f} s"


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
        start=chart["start"],
        end=chart["end"],
        points=chart["points"],
    )


@register.inclusion_tag("scores/_provider_card.html")
def provider_scorecard(provider):
    return {"provider": provider, "cards": provider_cards(provider)}
