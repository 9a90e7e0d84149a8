"""The provider page's compatibility card: what the panel client learned about this panel, in
words for staff. Nothing here is configured: every line was found out from the panel's answers
(see ``panel.request_forms`` and ``panel.records.Capabilities``)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from panel import MULTI_STATUS_BATCH, REQUEST_FORMS
from providers.models import Provider

NOT_YET = gettext_lazy("not learned yet")
# The panel client names its request forms in English; staff read them in their language.
REQUEST_FORM_WORDS = {
    "form": gettext_lazy("form POST, key as key"),
    "form:api_key": gettext_lazy("form POST, key as api_key"),
    "form:api_token": gettext_lazy("form POST, key as api_token"),
    "json": gettext_lazy("JSON body, key as key"),
    "header": gettext_lazy("form POST, key in a header"),
    "get:header": gettext_lazy("GET, key in a header"),
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    note: str = ""
    known: bool = True


def compatibility(provider: Provider, refill_services: int = 0) -> list[Fact]:
    learned = provider.client_capabilities
    form = REQUEST_FORMS.get(learned.request_form)
    renamed = ", ".join(
        _("{theirs} for {ours}").format(theirs=theirs, ours=ours)
        for ours, theirs in learned.field_names.items()
    )
    return [
        Fact(
            _("Request form"),
            REQUEST_FORM_WORDS.get(form.name, form.description) if form else NOT_YET,
            _("the key never goes into a URL"),
            known=form is not None,
        ),
        Fact(
            _("Field names"),
            renamed or _("the common ones"),
            _("learned from the panel's own refusals") if renamed else "",
        ),
        Fact(
            _("Catalog action"),
            learned.catalog_action or NOT_YET,
            "" if learned.catalog_action else _("found at the first catalog sync"),
            known=learned.catalog_action is not None,
        ),
        Fact(
            _("Link field"),
            _("link and url"),
            _("both are sent; a panel reads the one it knows"),
        ),
        _multi_status(learned.multi_status, learned.multi_status_batch),
        _action(_("Refill"), learned.refill, refill_services, _("found at the first refill asked")),
        _action(_("Cancel"), learned.cancel, 0, _("found at the first cancel asked")),
        Fact(
            _("Currency"),
            provider.currency or _("unknown"),
            _("reported by the panel") if provider.currency_from_panel else _("set by staff"),
            known=bool(provider.currency),
        ),
    ]


def _multi_status(supported, batch) -> Fact:
    label = _("Multi-status")
    if supported is None:
        return Fact(label, NOT_YET, _("asked when the account is added"), known=False)
    if not supported:
        return Fact(label, _("no"), _("one request per order"))
    batch = batch or MULTI_STATUS_BATCH
    return Fact(label, _("yes, {batch} orders per request").format(batch=batch))


def _action(label: str, supported, offered: int, first_asked: str) -> Fact:
    if supported is None:
        # Added before the connection test asked, or the panel's answer then said nothing.
        note = first_asked
        if offered:
            note += ngettext(
                "; {count} service in the catalog offers it",
                "; {count} services in the catalog offer it",
                offered,
            ).format(count=offered)
        return Fact(label, NOT_YET, note, known=False)
    return Fact(label, _("yes") if supported else _("no: the panel has no such action"))
