"""Template filters for offers: the words for labels, refill and yes, no or unknown."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from providers.classify import KINDS, PLATFORMS, QUALITIES, label_of, refill_words

register = template.Library()


@register.filter
def platform_label(key):
    return label_of(PLATFORMS, key)


@register.filter
def kind_label(key):
    return label_of(KINDS, key)


@register.filter
def quality_label(key):
    return label_of(QUALITIES, key)


@register.filter
def refill_label(service):
    """What the service's name promises about refills ("30-day refill", "No refill")."""
    return refill_words(service.refill_in_name, service.refill_days)


@register.filter
def yes_no(value):
    """Yes / No / ? (the panel does not say) for a flag that may be unknown."""
    if value is None:
        return "?"
    return gettext("Yes") if value else gettext("No")


# An offer's option as drawn in each state: its title, and its word (struck through, with
# "no" for screen readers, where the panel has none).
_OPTION_TITLES = {
    "yes": gettext_lazy("%(name)s: yes"),
    "unknown": gettext_lazy("%(name)s: the panel does not say"),
    "no": gettext_lazy("%(name)s: no"),
}
_OPTION_WORDS = {
    "yes": "{name}",
    "unknown": "{name}?",
    "no": '<s>{name}</s><span class="visually-hidden"> {no}</span>',
}


@register.simple_tag
def options(service):
    """Refill, cancel and drip-feed as three words, each saying yes, no or unknown (a tag in
    Python rather than a template: Compare draws it on each of its rows)."""
    drawn = []
    for name, offered in (
        (gettext("Refill"), service.offers_refill),
        (gettext("Cancel"), service.cancel),
        (gettext("Drip-feed"), service.dripfeed),
    ):
        state = "unknown" if offered is None else "yes" if offered else "no"
        word = format_html(_OPTION_WORDS[state], name=name, no=gettext("no"))
        drawn.append((state, _OPTION_TITLES[state] % {"name": name}, word))
    return format_html(
        '<span class="options">{}</span>',
        format_html_join("", '<span class="option option-{}" title="{}">{}</span>', drawn),
    )
