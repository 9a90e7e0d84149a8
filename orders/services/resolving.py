"""Staff resolving what the machine could not: an order whose answer was lost.

The panel's order id staff type is checked with the panel first (one status call), and what
the panel says of it is shown for them to confirm; an id the panel does not know changes
nothing. A recorded id that turns out wrong can be corrected the same way, or the order
reopened as needing checking. Each change is one conditional UPDATE, so of two people acting
at once one wins and the other is told, and each is in the order's timeline with who and why.
"""

import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import AT_PANEL_OPEN, Order
from orders.services.events import Kind, record
from orders.services.placing import OrderActionRefused
from orders.services.rollups import mark_due
from orders.services.tracking import record_answers
from panel import OrderStatus, PanelClientError, ProviderError
from providers.services import ProviderProblem, open_client

Status = Order.Status
# A panel's order id is a short token: digits mostly, letters, dots, dashes or underscores.
PANEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# How long what the panel said may wait for staff to confirm it before it is asked again.
CHECK_VALID_FOR = timedelta(minutes=15)
_SIGNED_AS = "orders.panel-id-checked"
RESOLVE, CORRECT = "resolve", "correct"


@dataclass(frozen=True)
class CheckedId:
    """What the panel said of an order id staff typed for one of our orders, for them to
    confirm. It travels between the two steps signed, so what is recorded is what the panel
    said, and for what: resolving a lost answer, or correcting the id `replaces`."""

    order: int
    purpose: str
    panel_id: str
    replaces: str
    reason: str
    answer: OrderStatus

    @property
    def status_label(self) -> str:
        return Status(self.answer.status).label

    def signed(self) -> str:
        fields = asdict(self)
        charge = self.answer.charge
        fields["answer"]["charge"] = None if charge is None else str(charge)
        return signing.dumps(fields, salt=_SIGNED_AS, compress=True)

    @classmethod
    def from_signed(cls, order: Order, token: str, *, fresh_only=True) -> "CheckedId":
        """The check `token` carries, for `order`; refused when it was tampered with, is for
        another order, or (with `fresh_only`) is older than CHECK_VALID_FOR."""
        max_age = CHECK_VALID_FOR if fresh_only else None
        try:
            fields = signing.loads(token or "", salt=_SIGNED_AS, max_age=max_age)
        except signing.SignatureExpired:
            raise OrderActionRefused(
                _("What the panel said is too old to record: check the id again.")
            ) from None
        except signing.BadSignature:
            raise OrderActionRefused(_("Check the id with the panel first.")) from None
        if fields.get("order") != order.pk:
            raise OrderActionRefused(_("Check the id with the panel first."))
        answer = fields.pop("answer")
        if answer["charge"] is not None:
            answer["charge"] = Decimal(answer["charge"])
        return cls(**fields, answer=OrderStatus(**answer))


def clean_panel_id(text: str) -> str:
    """The id as typed, without spaces around it or a leading "#"; refused unless it looks
    like a panel's order id."""
    panel_id = (text or "").strip().removeprefix("#").strip()
    if not PANEL_ID.fullmatch(panel_id):
        raise OrderActionRefused(
            _(
                "A panel's order id is up to 40 letters or digits (like 23501), with no spaces "
                "or other signs than . - and _: copy it from the panel's order history."
            )
        )
    return panel_id


def panel_id_in_doubt(order: Order) -> bool:
    """An order at the panel whose recorded id may be wrong: staff typed it in after the
    answer was lost, or the panel refuses status checks for it. Staff may correct it or
    reopen the order as needing checking."""
    return (
        order.status in AT_PANEL_OPEN
        and bool(order.provider_order_id)
        and (order.answer_lost_at is not None or bool(order.last_error))
    )


def check_panel_id(order: Order, text: str, *, purpose: str = RESOLVE, reason="") -> CheckedId:
    """Ask the panel (one status call) what it knows of the order id staff typed for `order`.

    Raises OrderActionRefused, with the panel's words where it answered, when the id cannot
    be this order's; nothing is changed either way.
    """
    if purpose == CORRECT:
        if not panel_id_in_doubt(order):
            raise OrderActionRefused(_("This order's id can no longer be corrected here."))
        if not reason.strip():
            raise OrderActionRefused(_("Say why the id is being corrected."))
    elif not order.needs_checking:
        raise OrderActionRefused(_("This order no longer needs checking."))
    panel_id = clean_panel_id(text)
    if purpose == CORRECT and panel_id == order.provider_order_id:
        raise OrderActionRefused(_("That is the id already recorded."))
    taken = (
        Order.objects.filter(provider_id=order.provider_id, provider_order_id=panel_id)
        .exclude(pk=order.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if taken is not None:
        raise OrderActionRefused(
            _(
                "Order #{other} already has the panel's id {panel_id}: it cannot be this one too."
            ).format(other=taken, panel_id=panel_id)
        )
    try:
        with open_client(order.provider, interactive=True) as client:
            said = client.status(panel_id)
    except ProviderError as refusal:
        raise OrderActionRefused(
            _(
                "The panel does not confirm order {panel_id}: “{words}”. Nothing was changed."
            ).format(panel_id=panel_id, words=refusal.message)
        ) from None
    except (PanelClientError, ProviderProblem) as failure:
        raise OrderActionRefused(
            _("Could not ask the panel: {failure}. Nothing was changed.").format(failure=failure)
        ) from None
    return CheckedId(
        order=order.pk,
        purpose=purpose,
        panel_id=panel_id,
        replaces=order.provider_order_id if purpose == CORRECT else "",
        reason=reason.strip(),
        answer=said,
    )


def resolve_placed(order: Order, checked: CheckedId, user) -> Order:
    """Staff found the order at the panel and the panel confirmed its id: record it, with what
    the panel said of it, and tracking takes over."""
    if checked.purpose != RESOLVE:
        raise OrderActionRefused(_("Check the id with the panel first."))
    changed = Order.objects.filter(pk=order.pk, status=Status.UNKNOWN).update(
        status=Status.PENDING,
        provider_order_id=checked.panel_id,
        placed_at=order.submitted_at or timezone.now(),
        status_checked_at=None,
        last_error="",
    )
    if not changed:
        raise OrderActionRefused(_("This order no longer needs checking."))
    record(
        order,
        Kind.ACTION,
        f"Checked at the panel: placed as order {checked.panel_id} "
        f"(the panel says “{checked.answer.raw_status}”)",
        actor=user,
        data={"provider_order_id": checked.panel_id},
    )
    return _with_answer(order, checked)


def correct_panel_id(order: Order, checked: CheckedId, user) -> Order:
    """Replace a wrong panel's order id with one the panel confirmed, unless someone changed
    the order since the id was checked."""
    if checked.purpose != CORRECT:
        raise OrderActionRefused(_("Check the id with the panel first."))
    changed = Order.objects.filter(
        pk=order.pk, status__in=AT_PANEL_OPEN, provider_order_id=checked.replaces
    ).update(
        provider_order_id=checked.panel_id,
        status=Status.PENDING,  # until the answer below says otherwise: the old one was not its
        last_error="",
        **_PANEL_FIGURES_CLEARED,
    )
    if not changed:
        raise OrderActionRefused(_changed_meanwhile())
    record(
        order,
        Kind.ACTION,
        f"Corrected the panel's order id from {checked.replaces} to {checked.panel_id} "
        f"(the panel says “{checked.answer.raw_status}”): {checked.reason}",
        actor=user,
        data={
            "provider_order_id": checked.panel_id,
            "replaces": checked.replaces,
            "reason": checked.reason,
        },
    )
    return _with_answer(order, checked)


def reopen(order: Order, reason: str, user, *, seen_panel_id: str) -> Order:
    """Put an order whose recorded id is in doubt back to needing checking: the id is dropped
    (the timeline keeps it) and staff record what they find, placed or not placed.

    `seen_panel_id` is the id staff saw when they asked: if it changed since, nothing is done.
    """
    reason = (reason or "").strip()
    if not reason:
        raise OrderActionRefused(_("Say why the order is reopened."))
    if not panel_id_in_doubt(order):
        raise OrderActionRefused(_("This order cannot be reopened here."))
    changed = Order.objects.filter(
        pk=order.pk, status__in=AT_PANEL_OPEN, provider_order_id=seen_panel_id
    ).update(
        status=Status.UNKNOWN,
        provider_order_id="",
        placed_at=None,
        last_error=f"Reopened by {user}: {reason}"[:1000],
        **_PANEL_FIGURES_CLEARED,
    )
    if not changed:
        raise OrderActionRefused(_changed_meanwhile())
    record(
        order,
        Kind.ACTION,
        f"Reopened as needs checking (the panel's id was {seen_panel_id}): {reason}",
        actor=user,
        data={"reopened": True, "replaces": seen_panel_id, "reason": reason},
    )
    mark_due([order])
    return _fresh(order)


def resolve_not_placed(order: Order, user) -> Order:
    changed = Order.objects.filter(pk=order.pk, status=Status.UNKNOWN).update(
        status=Status.NOT_PLACED, last_error=""
    )
    if not changed:
        raise OrderActionRefused(_("This order no longer needs checking."))
    record(order, Kind.ACTION, "Checked at the panel: not placed", actor=user)
    mark_due([order])
    return _fresh(order)


# What the panel said of the order under its old id, which no longer holds.
_PANEL_FIGURES_CLEARED = {
    "raw_status": "",
    "charge": None,
    "start_count": None,
    "remains": None,
    "started_at": None,
    "status_checked_at": None,
}


def _changed_meanwhile() -> str:
    return _("Someone changed this order meanwhile: look at it again.")


def _with_answer(order, checked: CheckedId) -> Order:
    """Write what the panel said when the id was checked, as a status check would."""
    current = _fresh(order)
    record_answers([current], {checked.panel_id: checked.answer}, timezone.now())
    mark_due([current])
    return _fresh(order)


def _fresh(order) -> Order:
    return Order.objects.select_related("provider").get(pk=order.pk)
