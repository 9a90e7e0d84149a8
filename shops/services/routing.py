"""Placing a shop's order with the existing machinery: the product's routing policy picks the
provider, orders.services.create_order queues it there with the rest of the route to fail
over along, and the same-link guard applies as the shop's setting says.

The upstream order carries a form token made from the shop order's id, and the shop order is
linked to it in the same transaction by a conditional UPDATE: a task delivered twice, or a
cancel racing the worker, leaves one upstream order or none.
"""

import logging

from django.db import transaction
from django.utils import timezone

from orders.models import Order
from orders.services.overlaps import describe_overlaps, open_overlaps
from orders.services.placing import create_order
from shops.models import Shop, ShopOrder
from shops.services import words
from shops.services.catalog import route_plan
from shops.services.settling import cancel_unplaced
from smmdash.lib.queue import hand_over as queue_hand_over
from smmdash.lib.queue import hand_over_lost

log = logging.getLogger("smmdash.shops")

State = ShopOrder.State
ROUTE_SHOP_ORDER = "shops.tasks.route_shop_order"


class _Lost(Exception):
    """Someone else settled or routed the shop order first."""


def form_token(shop_order_id: int) -> str:
    return f"shop-order:{shop_order_id}"


def route(shop_order_id: int) -> Order | None:
    """Place an accepted shop order upstream (the route task's body); returns the order."""
    shop_order = (
        ShopOrder.objects.select_related("shop", "product__group")
        .filter(pk=shop_order_id, state=State.ACCEPTED)
        .first()
    )
    if shop_order is None:
        return None
    # No upstream order exists for an accepted shop order: create_order and _link commit
    # together, and a second task that finds the first's order by its form token fails to
    # link it (the shop order is routed by then) and rolls back.
    token = form_token(shop_order.pk)
    chosen = route_plan(shop_order.product, shop_order.quantity)
    offered = chosen.choices if chosen else []
    choices = [choice for choice in offered if _takes(choice, shop_order)]
    if not choices:
        cancel_unplaced(shop_order, words.NOT_PLACED)
        return None
    product = shop_order.product
    overlaps = open_overlaps(shop_order.link, platform=product.platform, kind=product.kind)
    if overlaps and shop_order.shop.same_link == Shop.SameLink.REFUSE:
        cancel_unplaced(shop_order, words.LINK_BUSY)
        return None
    first, *rest = choices
    note = f"For shop {shop_order.shop.name}, its order #{shop_order.pk}. {chosen.explained}"
    if overlaps:
        note += f". The link has {describe_overlaps(overlaps)}"
    try:
        with transaction.atomic():
            order, _ = create_order(
                first.service,
                link=shop_order.link,
                quantity=shop_order.quantity,
                extra=shop_order.extra,
                form_token=token,
                route=[choice.service.pk for choice in rest],
                routing_note=note[:300],
            )
            _link(shop_order, order, overlapped=bool(overlaps))
    except _Lost:
        return None
    return order


def _takes(choice, shop_order) -> bool:
    """A drip-fed order goes only where the service drip-feeds."""
    return shop_order.runs == 1 or choice.service.dripfeed


def _link(shop_order, order, *, overlapped):
    linked = ShopOrder.objects.filter(pk=shop_order.pk, state=State.ACCEPTED).update(
        state=State.ROUTED, order=order, overlapped=overlapped
    )
    if not linked:
        raise _Lost


def hand_over(shop_order_id: int) -> bool:
    """Queue the route task (once the order is committed); the broker refusing it leaves the
    order held by no task, for the tick."""
    rows = ShopOrder.objects.filter(pk=shop_order_id, state=State.ACCEPTED)
    return queue_hand_over(ROUTE_SHOP_ORDER, rows, "route_task_due_at", shop_order_id)


def recover(now=None) -> int:
    """Queue again accepted shop orders no route task holds (as orders' _hand_over_lost); the
    form token makes a duplicate task harmless."""
    now = now or timezone.now()
    waiting = ShopOrder.objects.filter(state=State.ACCEPTED)
    return hand_over_lost(ROUTE_SHOP_ORDER, waiting, "route_task_due_at", now)
