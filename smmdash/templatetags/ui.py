"""Template tags every page uses: icons, rates, amounts, moments and days (written as
smmdash.lib.numbers and smmdash.lib.moments say), durations, links in long tables."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smmdash.lib import moments
from smmdash.lib.numbers import amount_text, exchange_rate_text, rate_text

register = template.Library()

# Outline icons, 24x24, drawn with the current text colour.
ICON_PATHS = {
    "home": "M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
    "providers": "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01",
    "compare": "M4 20V11M10 20V4M16 20v-6M21 20H3",
    "orders": "M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h3",
    "admin": "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z",
    "logout": "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
    "score": "M4 20h16M6 16l4-5 4 3 5-7",
    "route": "M5 15V9a4 4 0 0 1 4-4h10M15 1l4 4-4 4M19 9v6a4 4 0 0 1-4 4H5",
    "pulse": "M3 12h4l3-8 4 16 3-8h4",
    "lock": "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4",
    "search": "M10.5 18a7.5 7.5 0 1 1 0-15 7.5 7.5 0 0 1 0 15zM16 16l5 5",
    "refresh": "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
    "plus": "M12 5v14M5 12h14",
    "edit": "M4 20h4L19 9l-4-4L4 16zM14 6l4 4",
    "download": "M12 4v11M7 10l5 5 5-5M5 20h14",
    "money": "M12 3v18M17 7.5C17 5.6 14.8 5 12 5S7 6 7 8s2 2.7 5 3.5 5 1.5 5 3.5-2.2 3-5 3-5-1-5-3",
    "bell": "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
    "stack": "M12 3 3 8l9 5 9-5zM3 13l9 5 9-5M3 17.5l9 5 9-5",
    "exchange": "M4 8h14l-4-4M20 16H6l4 4",
    "sync": "M4 12a8 8 0 0 1 14-5.3L20 9M20 4v5h-5M20 12a8 8 0 0 1-14 5.3L4 15M4 20v-5h5",
}


@register.simple_tag
def icon(name, size=20):
    return format_html(
        '<svg class="icon" width="{size}" height="{size}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false"><path d="{path}"/></svg>',
        size=size,
        path=ICON_PATHS[name],
    )


@register.filter
def rate(value, currency=""):
    """{{ service.rate|rate:provider.currency }}: a price per 1000 (smmdash.lib.numbers)."""
    return rate_text(value, currency)


@register.filter
def money(value, currency=""):
    """{{ amount|money:currency }}: a balance, cost or charge (smmdash.lib.numbers)."""
    return amount_text(value, currency)


@register.filter
def exchange_rate(value):
    """{{ row.rate|exchange_rate }}: one currency in another, with the digits it was set with."""
    return exchange_rate_text(value)


@register.filter(expects_localtime=True)
def moment(value):
    """{{ order.created_at|moment }}: "7 Dec 2026, 16:51" (smmdash.lib.moments)."""
    return moments.moment(value)


@register.filter(expects_localtime=True)
def day(value):
    """{{ period.start|day }}: "7 Dec 2026"."""
    return moments.day(value)


@register.filter(expects_localtime=True)
def month(value):
    """{{ start|month }}: "December 2026"."""
    return moments.month(value)


@register.filter
def ago(value):
    """{{ provider.balance_checked_at|ago }}: "3 minutes ago" where freshness matters, in a
    <time> element that carries the exact moment in its title."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        moments.moment(value),
        moments.ago(value),
    )


@register.filter
def duration(value):
    """A timedelta in words: "15 minutes", "1 hour 30 minutes", "45 seconds"."""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("{count} hour", "{count} hours", hours).format(count=hours))
    if minutes:
        parts.append(ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes))
    if seconds:
        parts.append(ngettext("{count} second", "{count} seconds", seconds).format(count=seconds))
    return " ".join(parts) or _("0 seconds")


@register.filter
def lowerfirst(text):
    """A sentence's words run on after a colon: "Not connecting since 7 Dec" → "not connecting
    since 7 Dec" (|lower would make the month "dec")."""
    text = str(text)
    return text[:1].lower() + text[1:]


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dict's value for a key a template has in a variable."""
    return mapping.get(key) if mapping else None


# An id no row has: reversed once, its digits are where each row's id goes (see id_url).
_ID_MARKER = 2_147_483_647


@register.filter
def id_url(pk, viewname):
    """`{% url viewname pk %}` for a route whose one argument is an integer id, for tables that
    link every row: reverse() costs 30 µs and a table of offers made a hundred of them, so
    the route is reversed once (per script prefix) and each id filled in."""
    head, tail = _id_route(viewname, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@lru_cache(maxsize=64)
def _id_route(viewname: str, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(viewname, args=[_ID_MARKER]).partition(str(_ID_MARKER))
    return head, tail
