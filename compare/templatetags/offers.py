"""Template filters for offers: the words for labels, refill and yes, no or unknown."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


@register.simple_tag
def options(service):
    """Refill, cancel and drip-feed as three words, each saying yes, no or unknown (a tag in
    Python rather than a template: Compare draws it on each of its hundred rows)."""
    words = []
    for name, offered in (
        (gettext("Refill"), service.offers_refill),
        (gettext("Cancel"), service.cancel),
        (gettext("Drip-feed"), service.dripfeed),
    ):
        if offered:
            title = gettext("%(name)s: yes") % {"name": name}
            words.append(
                format_html('<span class="option option-yes" title="{}">{}</span>', title, name)
            )
        elif offered is None:
            title = gettext("%(name)s: the panel does not say") % {"name": name}
            words.append(
                format_html(
                    '<span class="option option-unknown" title="{}">{}?</span>', title, name
                )
            )
        else:
            title = gettext("%(name)s: no") % {"name": name}
            words.append(
                format_html(
                    '<span class="option option-no" title="{}"><s>{}</s>'
                    '<span class="visually-hidden"> {}</span></span>',
                    title,
                    name,
                    gettext("no"),
                )
            )
    return format_html('<span class="options">{}</span>', mark_safe("".join(words)))  # noqa: S308
