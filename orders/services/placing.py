"""Placing orders, so that none is ever sent twice and none is ever lost.

1. `create_order` writes the order as *queued* (one per form token) and queues the task on commit.
   A broker that cannot be reached leaves it queued for the dispatcher, never an error page.
2. `submit` claims it with a conditional UPDATE (queued -> submitting) and sends `add` once.
   A database error at the claim claimed nothing: the task tries again.
3. The answer decides: an id -> pending; a refusal -> rejected; nothing sent -> queued again
   (a few times) or not sent; the answer lost -> *unknown*, which only staff resolve.
   The panel's id is logged before it is written, and the write is tried again for a while.
4. `recover_stalled` turns an order whose worker died mid-send into *unknown* (never resent),
   once the send is certainly over (ORDER_SENDING_STALLED_SECONDS, longer than the task may
   live), and queues again any queued order whose task was lost or never reached the broker.
   Each outcome is written only for the send it answers (the claim's time identifies it), and
   only what that conditional UPDATE changed moves on (a failover, a retry, an event).
"""

import logging
import math
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compare.services import order_problem
from orders.models import Order, OrderEvent
from orders.services.events import Kind, event, record, request_data
from orders.services.rollups import mark_due
from panel import (
    AddressRefused,
    OrderOutcomeUnknown,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
)
from panel.order_types import service_type
from providers.models import Service
from providers.services import ProviderProblem, open_client, refresh_balance
from rates.money import expected_cost
from smmdash.lib.patience import DATABASE_UNAVAILABLE, write_patiently
from smmdash.lib.queue import SUBMIT_ORDER, hand_over_lost, queue
from smmdash.lib.send_limits import SEND_CERTAINLY_OVER_AFTER, SUBMIT_TIME_LIMIT

log = logging.getLogger("smmdash.orders")

Status = Order.Status
# How long a worker keeps trying to record the panel's id for an order it placed, while the
# database is away (within the task's time limit, after a send of at most 35 s).
PLACED_WRITE_PATIENCE = 60  # seconds
SEND_ATTEMPTS = 3  # when the panel could not be reached at all, nothing was placed: try again
RETRY_DELAY = 30  # seconds
RESENDABLE = frozenset({Status.NOT_SENT, Status.NOT_PLACED, Status.REJECTED})


class OrderActionRefused(Exception):
    """What staff asked cannot be done; the message says why, in words for them."""


def create_order(
    service, *, link, quantity, extra=None, user=None, form_token=None, route=(), routing_note=""
):
    """Record an order as queued and hand it to a worker once the transaction commits.

    `route`: the services to fail over to, best first, should the panel refuse this one.
    Returns (order, created): a form token seen before returns that form's order instead.
    """
    extra = extra or {}
    existing = made_by_form(form_token)
    if existing is not None:
        return existing, False
    order = Order.of_service(
        service,
        link=link,
        quantity=quantity,
        extra=extra,
        placed_by=user,
        form_token=form_token,
        route=list(route),
        routing_note=routing_note,
        send_task_due_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            order.save()
            record(
                order,
                Kind.CREATED,
                f"Queued {quantity} x {service.name} for {link}",
                actor=user,
                data={"expected_cost": str(order.expected_cost), "currency": order.currency},
            )
            # Robust: the order is committed by then, and whatever fails in handing it over,
            # the page must still say so, or the user places it again.
            transaction.on_commit(partial(_hand_over, order), robust=True)
    except IntegrityError:
        if not form_token:
            raise
        # The same form, submitted twice at once: the other request made the order.
        return Order.objects.get(form_token=form_token), False
    return order, True


def made_by_form(form_token) -> Order | None:
    """The order a form already made, when it is sent again (a double click, a reload)."""
    return Order.objects.filter(form_token=form_token).first() if form_token else None


def enqueue(order_id: int, countdown: int | None = None) -> bool:
    """Give a queued order's send task to the workers (once its row is committed).

    Returns whether the broker took it. When it did not, the order is marked as held by no
    task, and the dispatcher hands it over once the broker answers.
    """
    if queue(SUBMIT_ORDER, order_id, countdown=countdown):
        return True
    Order.objects.filter(pk=order_id, status=Status.QUEUED).update(send_task_due_at=None)
    return False


def _hand_over(order: Order):
    if not enqueue(order.pk):
        order.send_task_due_at = None  # what the page that placed it tells the user


class ClaimFailed(Exception):
    """The database failed while an order was being claimed: nothing was claimed or sent,
    so the task may try again (the claim makes a second try safe)."""


def submit(order_id: int) -> Order | None:
    """Send a queued order's `add`, once (the submit task's body).

    Returns the order, or None when it was not queued: another worker has it, or had it.
    Raises ClaimFailed when the database failed before anything was claimed.
    """
    try:
        order = _claim(order_id)
    except DATABASE_UNAVAILABLE as failure:
        raise ClaimFailed(f"Order {order_id} could not be claimed: {failure}") from failure
    if order is None:
        return None
    provider = order.provider
    if not provider.enabled:
        return _not_sent(order, f"{provider} is disabled.", retry=False)
    quantity = _quantity_sent(order)
    balance_before = provider.balance
    try:
        with open_client(provider) as client:
            panel_order_id = client.add_order(
                order.service_ref, order.link, quantity, **order.extra
            )
    except ProviderProblem as problem:
        return _not_sent(order, str(problem), retry=False)
    except OrderOutcomeUnknown as lost:
        return _unknown(order, str(lost), balance_before)
    except RateLimited as slow_down:
        return _not_sent(order, str(slow_down), retry_in=slow_down.wait_seconds + 1)
    except ProviderError as refusal:
        return _rejected(order, refusal.message)
    except AddressRefused as refused:
        return _not_sent(order, str(refused), retry=False)
    except ProviderUnreachable as unreachable:
        return _not_sent(order, str(unreachable), retry_in=RETRY_DELAY)
    except Exception:
        # Whatever broke, the request may have gone out: never treat it as not sent.
        _unknown(order, "smmdash failed while sending this order (see the log).", balance_before)
        raise
    return _placed(order, panel_order_id)


def _claim(order_id: int) -> Order | None:
    """Take a queued order for sending and record the request about to go, in one
    transaction: a database that fails half-way leaves the order queued, with nothing sent."""
    with transaction.atomic():
        claimed = Order.objects.filter(pk=order_id, status=Status.QUEUED).update(
            status=Status.SUBMITTING,
            submitted_at=timezone.now(),
            send_attempts=F("send_attempts") + 1,
        )
        if not claimed:
            return None
        order = Order.objects.select_related("provider").get(pk=order_id)
        if order.provider.enabled:
            sent = request_data(
                "add", service=order.service_ref, link=order.link, quantity=_quantity_sent(order)
            )
            record(order, Kind.REQUEST, "Sent the order to the panel", data={**sent, **order.extra})
    return order


def _quantity_sent(order) -> int | None:
    return order.quantity if service_type(order.service_type).sends_quantity else None


def _placed(order, panel_order_id) -> Order:
    # In the log before the database: should the write never succeed, the id is there.
    log.info(
        "Order %s placed at %s: the panel's order id is %s",
        order.pk,
        order.provider,
        panel_order_id,
    )

    def failed(error, attempt):
        if attempt == 1:
            log.warning(
                "Order %s was placed at %s as the panel's order %s, and the database could not "
                "record it (%s): trying again for up to %d s",
                order.pk,
                order.provider,
                panel_order_id,
                error,
                PLACED_WRITE_PATIENCE,
            )

    try:
        write_patiently(
            partial(_record_placed, order, panel_order_id),
            within=PLACED_WRITE_PATIENCE,
            on_failure=failed,
        )
    except DATABASE_UNAVAILABLE:
        log.error(
            "Order %s was placed at %s as the panel's order %s, and the database could not "
            "record it: it will need checking; record this id on its page",
            order.pk,
            order.provider,
            panel_order_id,
        )
        raise
    return _fresh(order)


def _record_placed(order, panel_order_id):
    now = timezone.now()
    placed = {
        "status": Status.PENDING,
        "provider_order_id": panel_order_id,
        "placed_at": now,
        "last_error": "",
        "answer_lost_at": None,
    }
    this_send = _this_send(order)
    with transaction.atomic():
        if (
            Order.objects.filter(pk=order.pk, provider_order_id=panel_order_id).exists()
            or Order.objects.filter(form_token=_placed_late_token(order, panel_order_id)).exists()
        ):
            return  # an earlier try was written after all, its failure notwithstanding
        # An order given up as stalled is placed all the same: the panel's id is the truth,
        # and its answer was not lost after all.
        if this_send.filter(status__in=[Status.SUBMITTING, Status.UNKNOWN]).update(**placed):
            said = f"Placed: the panel's order id is {panel_order_id}"
        # Staff found no order at the panel, yet the panel took it: it is tracked from now on,
        # as it was not sent again meanwhile (a resend clears the claim's time).
        elif this_send.filter(status=Status.NOT_PLACED).update(**placed):
            log.warning(
                "Order %s had been marked not placed, and %s placed it after all as its order %s",
                order.pk,
                order.provider,
                panel_order_id,
            )
            said = (
                f"Placed: the panel's order id is {panel_order_id}. It had been marked not "
                "placed, but the panel's answer came after that: it is at the panel after all."
            )
        else:
            _placed_twice(order, panel_order_id, now)
            return
        record(order, Kind.ANSWER, said, at=now)
        mark_due([order])


def _this_send(order):
    """The order as long as it is still the send claimed by `order` (read at the claim): a
    resend claims it anew, at another time."""
    return Order.objects.filter(pk=order.pk, submitted_at=order.submitted_at)


def _placed_late_token(order, panel_order_id) -> str:
    # The order recording a late placement has this for form token, which is unique: however
    # many times the write is tried, one order records it.
    return f"placed-late:{order.pk}:{panel_order_id}"[:80]


# What an order of the panel's copies from the order whose send it answered.
_COPIED = [
    "provider_id",
    "service_id",
    "service_ref",
    "service_name",
    "service_type",
    "rate",
    "currency",
    "link",
    "link_key",
    "quantity",
    "extra",
    "expected_cost",
    "placed_by_id",
]


def _placed_twice(order, panel_order_id, now):
    """The panel placed a send of `order` whose answer came after the order had been sent
    again: both are at the panel. The late one is recorded as an order of its own, needing
    checking (its id is in its problem and its timeline), so staff see the double and can
    cancel it or track it; nothing of it is dropped."""
    problem = (
        f"The panel placed this as its order {panel_order_id}: it is order #{order.pk}'s send "
        f"of {order.submitted_at:%Y-%m-%d %H:%M:%S} UTC, whose answer came only after order "
        f"#{order.pk} had moved on (sent again, or its id recorded by hand). The panel may have "
        "it twice."
    )
    double = Order(
        **{name: getattr(order, name) for name in _COPIED},
        status=Status.UNKNOWN,
        submitted_at=order.submitted_at,
        answer_lost_at=now,
        last_error=problem,
        form_token=_placed_late_token(order, panel_order_id),
        routing_note=f"The late answer to a send of order #{order.pk}",
    )
    double.save()
    record(
        double,
        Kind.ERROR,
        f"{problem} Check the panel's order history: record this order as placed (id "
        f"{panel_order_id}) to track it, or cancel it at the panel and record it as not placed.",
        at=now,
        data={"provider_order_id": panel_order_id, "sent_as": order.pk},
    )
    record(
        order,
        Kind.ERROR,
        f"The panel also placed an earlier send of this order, as its order {panel_order_id}: "
        f"recorded as order #{double.pk}, which needs checking.",
        at=now,
        data={"provider_order_id": panel_order_id, "recorded_as": double.pk},
    )
    mark_due([double])
    log.error(
        "Order %s was placed twice at %s: its late answer is the panel's order %s, recorded as "
        "order %s, which needs checking",
        order.pk,
        order.provider,
        panel_order_id,
        double.pk,
    )


def _rejected(order, message: str) -> Order:
    if (
        not _this_send(order)
        .filter(status=Status.SUBMITTING)
        .update(status=Status.REJECTED, last_error=message)
    ):
        return _answered_too_late(order, f"the panel refused it: {message}")
    record(order, Kind.ANSWER, f"Rejected by the panel: {message}", data={"error": message})
    mark_due([order])
    fail_over(order, f"{order.provider} refused it: {message}")
    return _fresh(order)


def _not_sent(order, message: str, *, retry=True, retry_in=RETRY_DELAY) -> Order:
    again = retry and order.send_attempts < SEND_ATTEMPTS
    status = Status.QUEUED if again else Status.NOT_SENT
    due = timezone.now() + timedelta(seconds=retry_in) if again else None
    if (
        not _this_send(order)
        .filter(status=Status.SUBMITTING)
        .update(status=status, last_error=message, send_task_due_at=due)
    ):
        return _answered_too_late(order, f"not sent: {message}")
    if again:
        record(order, Kind.ERROR, f"Not sent: {message}. Trying again in {retry_in} s.")
        enqueue(order.pk, countdown=retry_in)
    else:
        record(order, Kind.ERROR, f"Not sent: {message}. Nothing was placed at the panel.")
        fail_over(order, f"it could not be sent to {order.provider}: {message}")
    return _fresh(order)


def fail_over(order: Order, why: str) -> Order | None:
    """Place a routed order that is certainly not at its panel (refused, or never sent) at
    the next provider of its route that can take it; returns the new order, if any.

    Never for an order whose answer was lost: it may have been placed. The new order points
    back at this one through a unique column, so however many workers get here, one wins.
    """
    remaining = list(order.route)
    skipped = []
    while remaining:
        service = Service.objects.select_related("provider").filter(pk=remaining.pop(0)).first()
        problem = "it left the catalog"
        if service is not None:
            cost = expected_cost(service.rate, order.quantity, order.extra.get("runs", 1))
            problem = order_problem(service, order.quantity, cost)
        if problem:
            skipped.append(problem)
            continue
        successor = Order.of_service(
            service,
            link=order.link,
            quantity=order.quantity,
            extra=order.extra,
            placed_by_id=order.placed_by_id,
            route=remaining,
            routing_note=f"Moved from {order.provider} (order #{order.pk}): {why}"[:300],
            previous_attempt=order,
            send_task_due_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                successor.save()
                record(successor, Kind.CREATED, f"Queued here after {why}", data={"moved": why})
                record(
                    order,
                    Kind.MOVED,
                    f"Moved to {service.provider} as order #{successor.pk}, because {why}",
                    data={"moved_to": successor.pk},
                )
                transaction.on_commit(partial(enqueue, successor.pk), robust=True)
        except IntegrityError:
            return None  # another worker moved it first
        log.info("Order %s moved to %s as order %s", order.pk, service.provider, successor.pk)
        return successor
    if order.route:
        record(
            order,
            Kind.ERROR,
            "No provider of its route could take it instead: " + "; ".join(skipped),
        )
    return None


def _unknown(order, message: str, balance_before) -> Order:
    if (
        not _this_send(order)
        .filter(status=Status.SUBMITTING)
        .update(
            status=Status.UNKNOWN,
            last_error=message,
            balance_before=balance_before,
            answer_lost_at=timezone.now(),
        )
    ):
        return _answered_too_late(order, f"its answer was lost: {message}")
    mark_due([order])
    record(
        order,
        Kind.ERROR,
        f"The panel's answer was lost ({message}). The order may or may not exist at the panel: "
        "it will not be sent again until someone checks.",
    )
    _read_balance_after(order)
    return _fresh(order)


def _read_balance_after(order):
    """The balance right after a lost answer: if it dropped by the cost, the order went in."""
    try:
        balance = refresh_balance(order.provider)
    except ProviderProblem:
        return
    Order.objects.filter(pk=order.pk).update(balance_after=balance.amount)


def _answered_too_late(order, what: str) -> Order:
    """A send's outcome, come when the order had moved on without it (staff resolved it, or
    it was sent again): nothing is changed, moved or queued for it, and the log says so."""
    log.warning(
        "Order %s: its send claimed at %s ended after the order had moved on (it is %s "
        "now), so nothing was changed: %s",
        order.pk,
        order.submitted_at,
        Order.objects.filter(pk=order.pk).values_list("status", flat=True).first(),
        what,
    )
    return _fresh(order)


def _fresh(order) -> Order:
    return Order.objects.select_related("provider").get(pk=order.pk)


def _sends_over_before(now):
    """A send claimed before this is certainly over: its task's time limit has passed."""
    seconds = max(settings.ORDER_SENDING_STALLED_SECONDS, SEND_CERTAINLY_OVER_AFTER)
    return now - timedelta(seconds=seconds)


# Staff acting on what the machine could not -----------------------------------------------------


def send_again(order: Order, user) -> Order:
    """Queue again an order that is known not to be at the panel (never an unknown one, nor
    one that already moved to another provider: that would buy it twice)."""
    moved = Order.objects.filter(previous_attempt=order).first()
    if moved is not None:
        raise OrderActionRefused(
            _(
                "This order already moved to order #{order_pk} at {provider}: sending it again "
                "would buy it twice."
            ).format(order_pk=moved.pk, provider=moved.provider)
        )
    over_before = _sends_over_before(timezone.now())
    # Marked not placed by staff after its send was given up as stalled: that send's worker
    # may be alive and place it yet, until the send is certainly over. Every other outcome
    # was written by the worker itself, done with the send: a refusal, nothing sent, or an
    # answer it lost (within the task's time limit, where the stalled send's is past it).
    lost_by_its_worker = Q(
        answer_lost_at__lt=F("submitted_at") + timedelta(seconds=SUBMIT_TIME_LIMIT)
    )
    send_over = (
        ~Q(status=Status.NOT_PLACED)
        | Q(submitted_at__isnull=True)
        | lost_by_its_worker
        | Q(submitted_at__lt=over_before)
    )
    with transaction.atomic():
        # The row lock first: a shop order settling on this order locks it too (see
        # shops.services.settling), so the check below reads what that settlement committed.
        if not Order.objects.select_for_update().filter(pk=order.pk).exists():
            raise OrderActionRefused("Only an order that is not at the panel can be sent again.")
        if order.shop_orders.filter(settled_at__isnull=False).exists():
            raise OrderActionRefused(
                _(
                    "A shop's order was placed as this one, and the shop has been refunded for "
                    "it and told it was canceled: sending it again would deliver what the shop "
                    "no longer pays for."
                )
            )
        changed = Order.objects.filter(send_over, pk=order.pk, status__in=RESENDABLE).update(
            status=Status.QUEUED,
            send_attempts=0,
            last_error="",
            submitted_at=None,
            send_task_due_at=timezone.now(),
        )
        if not changed:
            _refuse_resend(order, over_before)
        record(order, Kind.ACTION, "Sent again", actor=user)
        mark_due([order])
        transaction.on_commit(partial(enqueue, order.pk), robust=True)
    return _fresh(order)


def _refuse_resend(order, over_before):
    current = Order.objects.filter(pk=order.pk).values("status", "submitted_at").first()
    if current and current["status"] in RESENDABLE and current["submitted_at"]:
        wait = (current["submitted_at"] - over_before).total_seconds()
        raise OrderActionRefused(
            _(
                "The last send of this order may still be under way (its worker can place it "
                "at the panel until its time limit has passed): it can be sent again in "
                "{seconds} s."
            ).format(seconds=max(1, math.ceil(wait)))
        )
    raise OrderActionRefused("Only an order that is not at the panel can be sent again.")


def recover_stalled(now=None) -> tuple[int, int]:
    """Mark orders whose worker died mid-send as unknown; hand to a worker again the queued
    orders whose task was lost or never reached the broker.

    Returns (marked unknown, queued again).
    """
    now = now or timezone.now()
    sending_since = _sends_over_before(now)
    stalled = list(
        Order.objects.filter(status=Status.SUBMITTING, submitted_at__lt=sending_since).values_list(
            "pk", flat=True
        )
    )
    message = "The worker sending this order stopped before the panel's answer was recorded."
    marked = []
    for order_id in stalled:
        if Order.objects.filter(pk=order_id, status=Status.SUBMITTING).update(
            status=Status.UNKNOWN, last_error=message, answer_lost_at=now
        ):
            explained = (
                f"{message} It needs checking. If the panel answered, smmdash's log has its "
                f"order id: look for “Order {order_id} placed”."
            )
            marked.append(event(order_id, Kind.ERROR, explained, at=now))
    if marked:
        OrderEvent.objects.bulk_create(marked)
        mark_due(Order.objects.filter(pk__in=stalled).only("provider_id", "created_at"))
        log.warning("%d orders stalled while being sent; marked as needing checking", len(marked))
    return len(marked), _hand_over_lost(now)


def _hand_over_lost(now) -> int:
    """Queue again the queued orders no task holds (the claim in submit() makes a second task
    for one order harmless)."""
    waiting = Order.objects.filter(status=Status.QUEUED)
    return hand_over_lost(SUBMIT_ORDER, waiting, "send_task_due_at", now)
