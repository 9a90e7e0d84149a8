"""Refills and cancels a shop asks for. The API answers at once and a worker asks the upstream
panel (orders.services.refill_order / cancel_order), once: each request is claimed with a
conditional UPDATE before it is sent."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from orders.models import AT_PANEL_OPEN, Refill
from orders.services.actions import cancel_order, refill_order
from orders.services.placing import OrderActionRefused
from shops.models import ShopOrder, ShopRefill
from shops.services import notes, words
from shops.services.settling import cancel_unplaced, live_order
from smmdash.lib.queue import hand_over, hand_over_lost

ASK_PANEL = "shops.tasks.ask_panel"
REFILL_WORDS = {
    Refill.Status.REQUESTED: "Pending",
    Refill.Status.PENDING: "Pending",
    Refill.Status.IN_PROGRESS: "In progress",
    Refill.Status.COMPLETED: "Completed",
    Refill.Status.REJECTED: "Rejected",
}


class NotPossible(Exception):
    """The message is the API's answer for this order."""


def ask_refill(shop_order: ShopOrder) -> ShopRefill:
    live = live_order(shop_order)
    if live is None or not live.can_refill:
        raise NotPossible(words.NO_REFILL)
    with transaction.atomic():
        refill = ShopRefill.objects.create(shop_order=shop_order, task_due_at=timezone.now())
        rows = ShopRefill.objects.filter(pk=refill.pk)
        transaction.on_commit(
            partial(hand_over, ASK_PANEL, rows, "task_due_at", "refill", refill.pk), robust=True
        )
    return refill


def refill_word(refill: ShopRefill) -> str:
    if refill.status == ShopRefill.Status.REJECTED:
        return "Rejected"
    if refill.refill is None:
        return "Pending"
    return REFILL_WORDS.get(refill.refill.status, "Pending")


def ask_cancel(shop_order: ShopOrder) -> None:
    """Cancel a shop order: one not routed yet is refunded here and now; one open at a panel
    is asked to cancel there, and its status says when it did."""
    if shop_order.state == ShopOrder.State.ACCEPTED and cancel_unplaced(
        shop_order, notes.CANCELED_BY_SHOP
    ):
        return
    live = live_order(shop_order)
    if (
        shop_order.settled_at is not None
        or live is None
        or live.status not in AT_PANEL_OPEN
        or not live.can_cancel
    ):
        raise NotPossible(words.NO_CANCEL)
    with transaction.atomic():
        asked = ShopOrder.objects.filter(pk=shop_order.pk, cancel_requested_at__isnull=True)
        now = timezone.now()
        if asked.update(cancel_requested_at=now, cancel_task_due_at=now):
            rows = ShopOrder.objects.filter(pk=shop_order.pk)
            transaction.on_commit(
                partial(hand_over, ASK_PANEL, rows, "cancel_task_due_at", "cancel", shop_order.pk),
                robust=True,
            )


def ask_panel(action: str, pk: int) -> None:
    """The worker's part: ask the upstream panel for a refill or a cancel, once."""
    now = timezone.now()
    if action == "refill":
        if not ShopRefill.objects.filter(pk=pk, asked_at__isnull=True).update(asked_at=now):
            return
        refill = ShopRefill.objects.select_related("shop_order").get(pk=pk)
        live = live_order(refill.shop_order)
        try:
            upstream = refill_order(live, None)
        except OrderActionRefused as refused:
            ShopRefill.objects.filter(pk=pk).update(
                status=ShopRefill.Status.REJECTED, error=str(refused)[:300]
            )
            return
        ShopRefill.objects.filter(pk=pk).update(refill=upstream)
        return
    rows = ShopOrder.objects.filter(
        pk=pk, cancel_requested_at__isnull=False, cancel_asked_at__isnull=True
    )
    if not rows.update(cancel_asked_at=now):
        return
    shop_order = ShopOrder.objects.get(pk=pk)
    live = live_order(shop_order)
    try:
        cancel_order(live, None)
    except OrderActionRefused as refused:
        ShopOrder.objects.filter(pk=pk).update(note=f"{notes.CANCEL_REFUSED}{refused}"[:300])


def recover(now=None) -> int:
    """Queue again refills and cancels no task holds (as orders' _hand_over_lost); the claim
    on asked_at / cancel_asked_at makes a duplicate task harmless."""
    now = now or timezone.now()
    refills = ShopRefill.objects.filter(asked_at__isnull=True)
    cancels = ShopOrder.objects.filter(
        cancel_requested_at__isnull=False, cancel_asked_at__isnull=True
    )
    return hand_over_lost(
        ASK_PANEL, refills, "task_due_at", now, args_of=lambda pk: ("refill", pk)
    ) + hand_over_lost(
        ASK_PANEL, cancels, "cancel_task_due_at", now, args_of=lambda pk: ("cancel", pk)
    )
