"""Following a shop order to the upstream order that is live for it, answering its status in
the panels' words, and settling its money once its upstream status is final.

After a refusal upstream, orders.services.fail_over places a new order that points back at the
refused one (`previous_attempt`); a shop order follows `next_attempt` to the newest, and moves
its own pointer on so the next read starts there. It settles once (a conditional UPDATE on
`settled_at`, in the transaction that writes the refund): a partial delivery gives back
remains x price, a cancel or refund the whole charge, and an order that could be placed
nowhere is refunded and shows Canceled.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orders.models import FINISHED, Order, OrderEvent
from rates.money import expected_cost
from shops.models import ShopOrder
from shops.services import notes
from shops.services.ledger import refund

Status = Order.Status
State = ShopOrder.State
Final = ShopOrder.Final

# Nothing placed upstream and, once fail_over has had its moment, nowhere left to move.
DEAD_ENDS = frozenset({Status.REJECTED, Status.NOT_SENT, Status.NOT_PLACED})
# fail_over runs right after the refusal is written; an order's last word older than this
# with no successor means no provider of its route could take it.
FAILOVER_GRACE = timedelta(seconds=30)
CHAIN = "order__next_attempt__next_attempt"
WORDS = {
    Status.PENDING: "Pending",
    Status.IN_PROGRESS: "In progress",
    Status.PROCESSING: "Processing",
    Status.PARTIAL: "Partial",
    Status.COMPLETED: "Completed",
    Status.CANCELED: "Canceled",
    Status.REFUNDED: "Refunded",
    Status.FAILED: "Canceled",
}
FINAL_WORDS = {
    Final.COMPLETED: "Completed",
    Final.PARTIAL: "Partial",
    Final.CANCELED: "Canceled",
    Final.REFUNDED: "Refunded",
}


@dataclass
class Answer:
    charge: Decimal
    start_count: int
    status: str
    remains: int


# What a status answer and a settlement read: of the shop order, and of each upstream attempt.
ANSWER_FIELDS = (
    "shop_id",
    "quantity",
    "extra",
    "rate",
    "charge",
    "refund",
    "state",
    "final",
    "settled_at",
    "order_id",
)
ATTEMPT_FIELDS = ("previous_attempt_id", "status", "start_count", "remains", "route")


def followed(shop_orders):
    """A queryset of shop orders with their upstream chain read in the same query."""
    return shop_orders.select_related(CHAIN)


def followed_for_answers(shop_orders):
    """followed(), reading only what status answers and settling need: a 100-id status
    builds 100 shop orders and up to 300 upstream orders, whose other columns cost time."""
    attempts = ("order", "order__next_attempt", "order__next_attempt__next_attempt")
    return followed(shop_orders).only(
        *ANSWER_FIELDS,
        *(f"{attempt}__{name}" for attempt in attempts for name in ATTEMPT_FIELDS),
    )


def _next(order: Order) -> Order | None:
    try:
        return order.next_attempt
    except Order.next_attempt.RelatedObjectDoesNotExist:
        return None


def newest_read(shop_order: ShopOrder) -> Order | None:
    """The newest upstream attempt among those read with the shop order (followed()), moving
    nothing and querying nothing: what a page shows. The tick moves the pointer on."""
    newest = shop_order.order
    while newest is not None and Order.next_attempt.is_cached(newest):
        after = _next(newest)
        if after is None:
            break
        newest = after
    return newest


def shown_answer(shop_order: ShopOrder) -> Answer:
    """The status a page shows for a shop order: its answer, without settling anything."""
    return answer_of(shop_order, newest_read(shop_order))


def live_order(shop_order: ShopOrder) -> Order | None:
    """The newest upstream attempt, moving the shop order's pointer on to it."""
    order = shop_order.order
    if order is None:
        return None
    newest = order
    while (after := _next(newest)) is not None:
        newest = after
    if newest.pk != order.pk:
        ShopOrder.objects.filter(pk=shop_order.pk, order_id=order.pk).update(order=newest)
        shop_order.order = newest
    return newest


def follow(shop_orders, now=None) -> dict[int, Answer]:
    """{shop order id: its answer}, settling those whose upstream order has ended. The API's
    status and the tick call it, never a page: reading a page changes nothing."""
    now = now or timezone.now()
    shop_orders = list(shop_orders)
    lives = {shop_order.pk: live_order(shop_order) for shop_order in shop_orders}
    last_words = _last_words(
        live
        for shop_order in shop_orders
        if shop_order.settled_at is None
        and (live := lives[shop_order.pk]) is not None
        and live.status in DEAD_ENDS
        and live.route
    )
    answers = {}
    for shop_order in shop_orders:
        live = lives[shop_order.pk]
        if shop_order.settled_at is None and live is not None and _ended(live, last_words, now):
            settle(shop_order, live, now)
        answers[shop_order.pk] = answer_of(shop_order, live)
    return answers


def _last_words(orders) -> dict[int, object]:
    """{order id: when its last event was written}, for all of `orders` in one query."""
    ids = [order.pk for order in orders]
    if not ids:
        return {}
    rows = OrderEvent.objects.filter(order_id__in=ids).values("order_id").annotate(last=Max("at"))
    return {row["order_id"]: row["last"] for row in rows}


def _ended(order: Order, last_words, now) -> bool:
    if order.status in FINISHED:
        return True
    if order.status not in DEAD_ENDS:
        return False
    if not order.route:
        return True
    last = last_words.get(order.pk)
    return last is None or last < now - FAILOVER_GRACE


def answer_of(shop_order: ShopOrder, live: Order | None) -> Answer:
    total = shop_order.quantity * shop_order.runs
    start_count = live.start_count if live is not None and live.start_count is not None else 0
    remains = live.remains if live is not None and live.remains is not None else total
    if shop_order.settled_at is not None:
        word = FINAL_WORDS[shop_order.final]
        if shop_order.final == Final.COMPLETED:
            remains = 0
        elif shop_order.final != Final.PARTIAL and (live is None or live.remains is None):
            remains = total
    else:
        word = WORDS.get(live.status, "Pending") if live is not None else "Pending"
    return Answer(shop_order.charge - shop_order.refund, start_count, word, max(0, remains))


def outcome(shop_order: ShopOrder, live: Order) -> tuple[str, Decimal]:
    """(final status, refund) of a shop order whose upstream order ended."""
    if live.status == Status.COMPLETED:
        return Final.COMPLETED, Decimal(0)
    if live.status == Status.PARTIAL:
        given_back = expected_cost(shop_order.rate, live.remains or 0)
        return Final.PARTIAL, min(given_back, shop_order.charge)
    if live.status == Status.REFUNDED:
        return Final.REFUNDED, shop_order.charge
    return Final.CANCELED, shop_order.charge


def settle(shop_order: ShopOrder, live: Order, now=None) -> bool:
    """Settle once; returns whether this call did it. The upstream order's row is locked and
    its status read again first: staff's *Send again* locks it too, so an order sent again
    is not settled as canceled, and one settled is refused being sent again."""
    final, amount = outcome(shop_order, live)
    with transaction.atomic():
        still = Order.objects.select_for_update().filter(pk=live.pk, status=live.status)
        if not still.exists():
            return False
        return _settle(shop_order, final, amount, notes.order_note(final), now)


def cancel_unplaced(shop_order: ShopOrder, why: str) -> bool:
    """An accepted order that nothing upstream can take: refunded whole, Canceled."""
    return _settle(
        shop_order,
        Final.CANCELED,
        shop_order.charge,
        why,
        None,
        states=[State.ACCEPTED],
        note=why,
    )


def _settle(shop_order, final, amount, ledger_note, now, *, states=None, note=None) -> bool:
    now = now or timezone.now()
    rows = ShopOrder.objects.filter(pk=shop_order.pk, settled_at__isnull=True)
    if states is not None:
        rows = rows.filter(state__in=states)
    changes = {"state": State.SETTLED, "final": final, "refund": amount, "settled_at": now}
    if note is not None:
        changes["note"] = note[:300]
    with transaction.atomic():
        if not rows.update(**changes):
            return False
        refund(shop_order, amount, ledger_note)
    for name, value in changes.items():
        setattr(shop_order, name, value)
    return True


def settle_due(now=None, limit=1000) -> int:
    """Beat's part: settle routed shop orders whose upstream order ended (or moved on, which
    this follows). Returns how many settled."""
    now = now or timezone.now()
    due = ShopOrder.objects.filter(state=State.ROUTED, order__status__in=FINISHED | DEAD_ENDS)
    due = list(followed(due.order_by("pk"))[:limit])
    follow(due, now)
    return sum(shop_order.settled_at is not None for shop_order in due)
