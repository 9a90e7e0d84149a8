"""Tracking orders: statuses read from each panel in batches, and written back in bulk.

One poll per provider at a time (a lease on the provider's polling row, taken with a
conditional UPDATE and renewed while the poll runs, so a poll that dies frees it within a
minute). Multi-status panels are asked 100 orders a request, the others one by one, at the
pace PANEL_REQUESTS_PER_SECOND allows. A provider that fails is left alone for a growing while
(1 minute, doubling, at most an hour) and flagged on its page.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import (
    AT_PANEL_OPEN,
    FINISHED,
    REFILL_OPEN,
    Order,
    OrderEvent,
    ProviderPolling,
    Refill,
)
from orders.services.events import Kind, event
from orders.services.rollups import mark_due, refresh_due
from panel import MULTI_STATUS_BATCH, PanelClientError, ProviderError, RateLimited
from panel import statuses as panel_statuses
from providers.models import ManualCall, Provider
from providers.services import (
    ProviderProblem,
    TooSoon,
    claim_manual_call,
    open_client,
)
from scores import periods
from smmdash.lib.leases import lease
from smmdash.lib.queue import POLL_PROVIDER_ORDERS, queue

log = logging.getLogger("smmdash.orders")

POLL_TIME_LIMIT = 300  # seconds a poll task may run (its hard time limit)
POLL_BUDGET = POLL_TIME_LIMIT - 60  # a poll stops starting batches after this; the rest wait
# Renewed every 20 s while a poll runs: a poll that dies (killed, or its database gone) holds
# its provider for at most this long.
POLL_LEASE = timedelta(seconds=60)
FIRST_BACKOFF, MAX_BACKOFF = 60, 3600  # seconds
TRACKED_FIELDS = ("status", "raw_status", "charge", "start_count", "remains")
STARTED = frozenset({Order.Status.IN_PROGRESS, Order.Status.PROCESSING})
REFILL_FINISHED = frozenset({Refill.Status.COMPLETED, Refill.Status.REJECTED})
REFILL_STATUSES = {
    panel_statuses.PENDING: Refill.Status.PENDING,
    panel_statuses.IN_PROGRESS: Refill.Status.IN_PROGRESS,
    panel_statuses.PROCESSING: Refill.Status.IN_PROGRESS,
    panel_statuses.COMPLETED: Refill.Status.COMPLETED,
    panel_statuses.PARTIAL: Refill.Status.COMPLETED,
}


@dataclass
class PollResult:
    provider: Provider
    checked: int = 0
    changed: int = 0
    refills_checked: int = 0
    skipped: str = ""
    error: str = ""
    unreadable: list = field(default_factory=list)

    def __str__(self):
        if self.skipped:
            return _("{provider}: skipped, {reason}").format(
                provider=self.provider, reason=self.skipped
            )
        text = ngettext(
            "{provider}: {count} order checked, {changed} changed",
            "{provider}: {count} orders checked, {changed} changed",
            self.checked,
        ).format(provider=self.provider, count=self.checked, changed=self.changed)
        if self.refills_checked:
            text += ngettext(
                ", {count} refill checked", ", {count} refills checked", self.refills_checked
            ).format(count=self.refills_checked)
        if self.error:
            text += _("; stopped: {error}").format(error=self.error)
        return text


def stale_before(now):
    return now - timedelta(seconds=settings.ORDER_STATUS_MAX_AGE_SECONDS)


def _due_orders(cutoff):
    return Order.objects.filter(
        Q(status_checked_at__isnull=True) | Q(status_checked_at__lt=cutoff),
        status__in=AT_PANEL_OPEN,
    ).exclude(provider_order_id="")


def _due_refills(cutoff):
    return Refill.objects.filter(
        Q(checked_at__isnull=True) | Q(checked_at__lt=cutoff), status__in=REFILL_OPEN
    ).exclude(refill_id="")


def dispatch_polls(now=None) -> list[int]:
    """Beat's tick: queue a poll of every provider with work due.

    Returns the ids of the providers queued.
    """
    now = now or timezone.now()
    cutoff = stale_before(now)
    orders_due = _due_orders(cutoff).filter(provider=OuterRef("pk"))
    refills_due = _due_refills(cutoff).filter(order__provider=OuterRef("pk"))
    # A provider without a polling row has never been polled: neither resting nor polling.
    resting = Q(polling__backoff_until__gte=now)
    polling = Q(polling__lock_until__gte=now)
    due = (
        Provider.objects.filter(enabled=True)
        .exclude(resting | polling)
        .filter(Exists(orders_due) | Exists(refills_due))
    )
    provider_ids = list(due.values_list("pk", flat=True))
    for provider_id in provider_ids:
        queue(POLL_PROVIDER_ORDERS, provider_id)
    # Days changed by anything but a poll (an order placed, a cancel asked) are computed here,
    # and scores whose API figures or windows moved on since are summed again.
    refresh_due()
    periods.refresh_stale(now)
    return provider_ids


def poll_provider(provider: Provider, *, order_ids=None, interactive=False) -> PollResult:
    """Read the statuses of `provider`'s open orders that are due (or of `order_ids`, however
    fresh) and of its open refills, and record what changed."""
    result = PollResult(provider)
    started = timezone.now()
    polling = ProviderPolling.of(provider)
    rows = ProviderPolling.objects.filter(pk=polling.pk)
    with lease(rows, "lock_until", POLL_LEASE) as held:
        if not held:
            result.skipped = "another status check of this provider is running and does this work"
            return result
        try:
            _poll(provider, result, started, order_ids, interactive, held)
        except RateLimited as slow_down:
            message = f"The panel asked to slow down: {slow_down}"
            _rest(polling, result, message, slow_down.wait_seconds)
        except (PanelClientError, ProviderProblem) as problem:
            failures = polling.failures + 1
            wait = min(FIRST_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)
            _rest(polling, result, str(problem), wait, failures=failures)
        else:
            rows.update(
                last_poll_at=timezone.now(),
                failures=0,
                error="",
                backoff_until=None,
                failing_since=None,
            )
        refresh_due(provider.pk)
    provider.polling = ProviderPolling.objects.get(pk=polling.pk)
    return result


def _poll(provider, result, started, order_ids, interactive, held):
    cutoff = started if order_ids is not None else stale_before(started)
    orders = _due_orders(cutoff).filter(provider=provider)
    if order_ids is not None:
        orders = orders.filter(pk__in=order_ids)
    # Longest unchecked first, so a poll cut short by its budget is continued by the next.
    orders = orders.order_by(F("status_checked_at").asc(nulls_first=True), "pk")
    give_up_at = time.monotonic() + POLL_BUDGET
    with open_client(provider, interactive=interactive) as client:
        # A poll whose lease was lost (its database away for a minute) leaves the rest to
        # the poll that holds it now.
        while held and time.monotonic() < give_up_at:
            # Checked orders leave the due set, so each round takes the next batch.
            batch = list(orders[:MULTI_STATUS_BATCH])
            if not batch:
                break
            answers = client.statuses([order.provider_order_id for order in batch])
            result.changed += record_answers(batch, answers, timezone.now())
            result.checked += len(batch)
        if order_ids is None:
            result.refills_checked = _poll_refills(provider, client, cutoff)


def _rest(polling, result, message, wait_seconds, *, failures=None):
    result.error = message
    now = timezone.now()
    changes = {
        "error": message,
        "backoff_until": now + timedelta(seconds=wait_seconds),
        "failing_since": Coalesce("failing_since", Value(now)),
    }
    if failures is not None:
        changes["failures"] = failures
    ProviderPolling.objects.filter(pk=polling.pk).update(**changes)
    log.warning(
        "Order status checks at provider %s (id %s) failed: %s; next try in %d s",
        polling.provider,
        polling.pk,
        message,
        wait_seconds,
    )


def record_answers(batch: list[Order], answers: dict, now) -> int:
    """Write what the panel said about `batch` in bulk; returns how many orders changed."""
    changed, events, fields = [], [], {"status_checked_at"}
    for order in batch:
        answer = answers.get(order.provider_order_id)
        if not hasattr(answer, "status"):
            message = str(answer or "The panel's answer did not include this order")
            if order.last_error != message:
                order.last_error = message
                fields.add("last_error")
                changed.append(order)
                events.append(event(order.pk, Kind.ERROR, f"Status check: {message}", at=now))
            continue
        changes = {
            name: getattr(answer, name)
            for name in TRACKED_FIELDS
            # A panel that does not report a figure (no charge, say) leaves ours as it is.
            if getattr(answer, name) is not None and getattr(answer, name) != getattr(order, name)
        }
        if order.last_error:
            changes["last_error"] = ""
        milestones = _milestones(order, {**_current(order), **changes}, now)
        if not (changes or milestones):
            continue
        if changes:
            events.append(_change_event(order, changes, now))
        changes.update(milestones)
        for name, value in changes.items():
            setattr(order, name, value)
        fields.update(changes)
        changed.append(order)
    for order in batch:
        order.status_checked_at = now
    unchanged = {order.pk for order in batch} - {order.pk for order in changed}
    if changed:
        Order.objects.bulk_update(changed, sorted(fields))
    if unchanged:
        Order.objects.filter(pk__in=unchanged).update(status_checked_at=now)
    OrderEvent.objects.bulk_create(events)
    mark_due(changed)
    return len(changed)


def _current(order) -> dict:
    return {name: getattr(order, name) for name in TRACKED_FIELDS}


def _milestones(order, now_known: dict, now) -> dict:
    """When the order started and ended, for the scorecards, the first time a poll sees it:
    started when the panel reports it in progress, a count delivered, or any end; ended when
    its status is final."""
    found = {}
    status, remains = now_known["status"], now_known["remains"]
    ordered = order.quantity * order.extra.get("runs", 1)
    moving = status in STARTED or status in FINISHED or (remains is not None and remains < ordered)
    if order.started_at is None and moving:
        found["started_at"] = now
    if order.finished_at is None and status in FINISHED:
        found["finished_at"] = now
    return found


def _change_event(order, changes, now) -> OrderEvent:
    data = {name: _json(value) for name, value in changes.items()}
    if "status" in changes:
        old, new = Order.Status(order.status).label, Order.Status(changes["status"]).label
        raw = changes.get("raw_status", order.raw_status)
        message = f"{old} → {new} (the panel says “{raw}”)"
        return event(order.pk, Kind.STATUS, message, at=now, data=data)
    figures = ", ".join(
        _figure_change(name, getattr(order, name), value)
        for name, value in changes.items()
        if name in ("charge", "start_count", "remains")
    )
    message = f"Progress: {figures or 'answered again'}"
    return event(order.pk, Kind.STATUS, message, at=now, data=data)


def _figure_change(name: str, before, after) -> str:
    """ "remains 600 → 200", or "start count 0" for a figure the panel reports first."""
    label = name.replace("_", " ")
    return f"{label} {after}" if before is None else f"{label} {before} → {after}"


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


def _poll_refills(provider, client, cutoff) -> int:
    refills = (
        _due_refills(cutoff).filter(order__provider=provider).select_related("order").order_by("pk")
    )
    checked = 0
    for refill in refills[:MULTI_STATUS_BATCH]:
        now = timezone.now()
        try:
            raw = client.refill_status(refill.refill_id)
        except RateLimited:
            raise
        except ProviderError as refused:
            Refill.objects.filter(pk=refill.pk).update(checked_at=now, error=refused.message)
            checked += 1
            continue
        status = REFILL_STATUSES.get(panel_statuses.normalize(raw), Refill.Status.REJECTED)
        if status != refill.status or raw != refill.raw_status:
            label = Refill.Status(status).label
            message = f"Refill {refill.refill_id}: {label} (the panel says “{raw}”)"
            data = {"refill": refill.refill_id, "status": status}
            event(refill.order_id, Kind.STATUS, message, at=now, data=data).save()
        finished = {"finished_at": now} if status in REFILL_FINISHED else {}
        Refill.objects.filter(pk=refill.pk).update(
            status=status, raw_status=raw, checked_at=now, error="", **finished
        )
        if status != refill.status:
            mark_due([(provider.pk, refill.order.created_at)])
        checked += 1
    return checked


def refresh_now(orders) -> list[PollResult]:
    """Read these orders' statuses now ("refresh status"), one poll per provider, and at most
    one such poll a minute per provider (the others are reported as skipped)."""
    by_provider: dict[int, list[int]] = {}
    for order in orders:
        if order.status in AT_PANEL_OPEN and order.provider_order_id:
            by_provider.setdefault(order.provider_id, []).append(order.pk)
    results = []
    for provider in Provider.objects.filter(pk__in=by_provider):
        try:
            claim_manual_call(provider, ManualCall.Kind.STATUSES)
        except TooSoon as problem:
            results.append(PollResult(provider, skipped=str(problem)))
            continue
        results.append(
            poll_provider(provider, order_ids=by_provider[provider.pk], interactive=True)
        )
    return results
