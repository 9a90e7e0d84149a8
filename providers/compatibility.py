"""The provider page's compatibility card: what the panel client learned about this panel, in
words for staff. Nothing here is configured: every line was found out from the panel's answers
(see ``panel.request_forms`` and ``panel.records.Capabilities``)."""

from dataclasses import dataclass

from panel import MULTI_STATUS_BATCH, REQUEST_FORMS
from providers.models import Provider

NOT_YET = "not learned yet"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    note: str = ""
    known: bool = True


def compatibility(provider: Provider, refill_services: int = 0) -> list[Fact]:
    learned = provider.client_capabilities
    form = REQUEST_FORMS.get(learned.request_form)
    renamed = ", ".join(f"{theirs} for {ours}" for ours, theirs in learned.field_names.items())
    return [
        Fact(
            "Request form",
            form.description if form else NOT_YET,
            "the key never goes into a URL",
            known=form is not None,
        ),
        Fact(
            "Field names",
            renamed or "the common ones",
            "learned from the panel's own refusals" if renamed else "",
        ),
        Fact(
            "Catalog action",
            learned.catalog_action or NOT_YET,
            "" if learned.catalog_action else "found at the first catalog sync",
            known=learned.catalog_action is not None,
        ),
        Fact("Link field", "link and url", "both are sent; a panel reads the one it knows"),
        _multi_status(learned.multi_status, learned.multi_status_batch),
        _action("Refill", learned.refill, refill_services),
        _action("Cancel", learned.cancel),
        Fact(
            "Currency",
            provider.currency or "unknown",
            "reported by the panel" if provider.currency_from_panel else "set by staff",
            known=bool(provider.currency),
        ),
    ]


def _multi_status(supported, batch) -> Fact:
    if supported is None:
        return Fact("Multi-status", NOT_YET, "asked when the account is added", known=False)
    if not supported:
        return Fact("Multi-status", "no", "one request per order")
    return Fact("Multi-status", f"yes, {batch or MULTI_STATUS_BATCH} orders per request")


def _action(label: str, supported, offered: int = 0) -> Fact:
    if supported is None:
        # Added before the connection test asked, or the panel's answer then said nothing.
        note = f"found at the first {label.lower()} asked"
        if offered:
            note += f"; {offered} services in the catalog offer it"
        return Fact(label, NOT_YET, note, known=False)
    return Fact(label, "yes" if supported else "no: the panel has no such action")
