"""Template filters for offers: the words for labels, refill and yes, no or unknown."""

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext, gettext_lazy

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


# An offer's option as drawn in each state: its title, and its words (struck through, with
# "no" for screen readers, where the panel has none; "not known" where it has not said, not a
# bare "?" that reads as a question).
_OPTION_TITLES = {
    "yes": gettext_lazy("%(name)s: yes"),
    "unknown": gettext_lazy("%(name)s: not known, the panel's catalog has not said"),
    "no": gettext_lazy("%(name)s: no"),
}
_OPTION_WORDS = {
    "yes": "{name}",
    "unknown": "{name}: {not_known}",
    "no": '<s>{name}</s><span class="visually-hidden"> {no}</span>',
}


@register.simple_tag
def options(service):
    """Refill, cancel and drip-feed as three words, each saying yes, no or unknown."""
    states = tuple(
        "unknown" if offered is None else "yes" if offered else "no"
        for offered in (service.offers_refill, service.cancel, service.dripfeed)
    )
    return _options_drawn(get_language(), states)


@lru_cache(maxsize=128)
def _options_drawn(language: str, states: tuple[str, str, str]):
    # Compare draws this on each of its rows, and there are 27 ways it can look in a language:
    # each is drawn once (the language is in the key because the words are translated).
    names = (gettext("Refill"), gettext("Cancel"), gettext("Drip-feed"))
    drawn = [
        (
            state,
            _OPTION_TITLES[state] % {"name": name},
            format_html(
                _OPTION_WORDS[state], name=name, no=gettext("no"), not_known=gettext("not known")
            ),
        )
        for name, state in zip(names, states, strict=True)
    ]
    return format_html(
        '<span class="options">{}</span>',
        format_html_join("", '<span class="option option-{}" title="{}">{}</span>', drawn),
    )
