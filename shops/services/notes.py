"""Notes smmdash writes on shop orders and credit rows, and the API's status words, as pages
show them: stored (and answered by the API) in English, from this fixed set, and translated
when shown. A manager's own note is shown as written."""

from django.utils.translation import gettext_lazy as _

from shops.services import words

OPENING_CREDIT = "Opening credit"
CANCELED_BY_SHOP = "Canceled by the shop before it was placed"
CANCEL_REFUSED = "Cancel refused by the panel: "
SETTLED = {
    "completed": "Settled: completed",
    "partial": "Settled: partly delivered",
    "canceled": "Settled: canceled",
    "refunded": "Settled: refunded",
}

# Each stored English note with its translation (literal msgids, so makemessages finds them).
TRANSLATED = {
    OPENING_CREDIT: _("Opening credit"),
    CANCELED_BY_SHOP: _("Canceled by the shop before it was placed"),
    words.NOT_PLACED: _("No provider can take this order now"),
    words.LINK_BUSY: _("This link already has an active order of this kind"),
    SETTLED["completed"]: _("Settled: completed"),
    SETTLED["partial"]: _("Settled: partly delivered"),
    SETTLED["canceled"]: _("Settled: canceled"),
    SETTLED["refunded"]: _("Settled: refunded"),
}

# The API's status words (settling.WORDS), as a page labels them.
STATUS_LABELS = {
    "Pending": _("Pending"),
    "In progress": _("In progress"),
    "Processing": _("Processing"),
    "Completed": _("Completed"),
    "Partial": _("Partial"),
    "Canceled": _("Canceled"),
    "Refunded": _("Refunded"),
    "Rejected": _("Rejected"),
}


def order_note(final: str) -> str:
    """The credit row's note of a settlement."""
    return SETTLED[final]


def shown(note: str) -> str:
    """A stored note as a page shows it, in the user's language where smmdash wrote it."""
    if note.startswith(CANCEL_REFUSED):
        why = note.removeprefix(CANCEL_REFUSED)
        return _("Cancel refused by the panel: {why}").format(why=why)
    return str(TRANSLATED.get(note, note))


def status_label(word: str) -> str:
    return str(STATUS_LABELS.get(word, word))
