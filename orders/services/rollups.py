"""The scorecards' daily rollups, computed from the orders of a provider's day.

Operations that change an order (placing, a poll, a cancel or refill asked, a refill's status)
mark the order's provider and day as due with one insert (`mark_due`). The poll task computes
its own provider's due days when it ends, and the dispatcher's tick the rest (`refresh_due`):
each due row is claimed by deleting it, so two workers never compute one day at once, and a day
marked again while it is being computed is computed again next time. Computing a day reads its
orders and refills in two queries and writes its ProviderDay, every ServiceDay and its SpendDays
(the Spend page's, orders.services.spending) in three bulk upserts. `rebuild` does every day there
is, replacing each day's rows where they are.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models.functions import TruncDate

from orders.models import FINISHED, Order, Refill, SpendDay
from orders.services.spending import count_spend, write_spend
from scores import periods
from scores.models import COUNTS, DURATIONS, ProviderDay, RollupDue, ServiceDay
from smmdash.lib import histograms
from smmdash.lib.days import day_of, day_start, zone

Status = Order.Status
COUNTED_STATUS = {
    Status.COMPLETED: "completed",
    Status.PARTIAL: "partial",
    Status.CANCELED: "canceled",
    Status.REFUNDED: "refunded",
    Status.FAILED: "failed",
}
# Orders the panel never saw are not counted against it.
NOT_AT_PANEL = frozenset({Status.QUEUED, Status.SUBMITTING, Status.NOT_SENT})
OPEN_AT_PANEL = frozenset({Status.PENDING, Status.IN_PROGRESS, Status.PROCESSING})
FIGURES = [*COUNTS, *DURATIONS]
ORDER_COLUMNS = (
    "service_id",
    "status",
    "quantity",
    "extra",
    "remains",
    "placed_at",
    "started_at",
    "finished_at",
    "cancel_requested_at",
    "answer_lost_at",
    "expected_cost",
    "charge",
    "currency",
    "service__platform",
    "service__kind",
)
DUE_PER_TICK = 500


def mark_due(orders):
    """Mark the days of `orders` (Order instances, or (provider_id, created_at) pairs) as due."""
    pairs = {
        (order.provider_id, day_of(order.created_at))
        if isinstance(order, Order)
        else (order[0], day_of(order[1]))
        for order in orders
    }
    RollupDue.objects.bulk_create(
        [RollupDue(provider_id=provider_id, day=day) for provider_id, day in pairs],
        ignore_conflicts=True,
    )


def refresh_due(provider_id: int | None = None, limit: int = DUE_PER_TICK) -> int:
    """Compute the due days (of one provider, or of all); returns how many were computed."""
    due = RollupDue.objects.order_by("marked_at")
    if provider_id is not None:
        due = due.filter(provider_id=provider_id)
    claimed: dict[int, list[date]] = defaultdict(list)
    for pk, provider, day in due.values_list("pk", "provider_id", "day")[:limit]:
        if RollupDue.objects.filter(pk=pk).delete()[0]:
            claimed[provider].append(day)
    for provider, days in claimed.items():
        compute(provider, days)
    return sum(len(days) for days in claimed.values())


def rebuild(since: date | None = None) -> int:
    """Compute every provider's every day with orders (from `since`) afresh; returns the days
    done. Each day's rows are replaced where they are, a provider's month at a time, so the
    scorecards and Spend read the old figures until the new ones are in, never none (nor, if
    the rebuild dies, for good). Rows of days that no longer have orders (after TIME_ZONE
    changed, say) go at the end."""
    orders = Order.objects.all()
    if since is not None:
        orders = orders.filter(created_at__gte=day_start(since))
    # order_by(): without it the orders' default ordering joins the DISTINCT, one row an order.
    pairs = (
        orders.annotate(day=TruncDate("created_at", tzinfo=zone()))
        .values_list("provider_id", "day")
        .order_by()
        .distinct()
    )
    by_provider: dict[int, list[date]] = defaultdict(list)
    for provider_id, day in sorted(pairs):
        by_provider[provider_id].append(day)
    for provider_id, days in by_provider.items():
        for start in range(0, len(days), 31):
            with transaction.atomic():
                compute(provider_id, days[start : start + 31], sum_scores=False)
        periods.refresh([provider_id])
    emptied = _drop_days_without_orders(since or date.min, by_provider)
    periods.refresh(sorted(emptied - set(by_provider)))
    return sum(len(days) for days in by_provider.values())


def _drop_days_without_orders(since: date, with_orders: dict[int, list[date]]) -> set[int]:
    """Delete the rollup rows (from `since`) of provider days with no orders; returns the
    providers that had any."""
    kept = {(provider_id, day) for provider_id, days in with_orders.items() for day in days}
    emptied: dict[int, set[date]] = defaultdict(set)
    for rollup in (ProviderDay, ServiceDay, SpendDay):
        rows = rollup.objects.filter(day__gte=since).order_by()
        for provider_id, day in rows.values_list("provider_id", "day").distinct():
            if (provider_id, day) not in kept:
                emptied[provider_id].add(day)
    for provider_id, days in emptied.items():
        with transaction.atomic():
            for rollup in (ProviderDay, ServiceDay, SpendDay):
                rollup.objects.filter(provider_id=provider_id, day__in=days).delete()
    return set(emptied)


def compute(provider_id: int, days: list[date], *, sum_scores: bool = True):
    """Recompute the ProviderDay and ServiceDay rows of one provider's `days`, then (unless
    told not to) its period scores."""
    days = sorted(set(days))
    if not days:
        return
    wanted = set(days)
    span = {
        "created_at__gte": day_start(days[0]),
        "created_at__lt": day_start(days[-1] + timedelta(days=1)),
    }
    per_day: dict[date, dict] = {day: {} for day in days}  # day -> service -> tally
    spend_per_day: dict[date, dict] = {day: {} for day in days}  # day -> (platform, kind) -> tally
    orders = Order.objects.filter(provider_id=provider_id, **span)
    for created_at, *row in orders.values_list("created_at", *ORDER_COLUMNS).iterator(2000):
        day = day_of(created_at)
        if day in wanted:
            order = dict(zip(ORDER_COLUMNS, row, strict=True))
            _count_order(per_day[day], order)
            count_spend(spend_per_day[day], order)
    refills = Refill.objects.filter(**{f"order__{name}": value for name, value in span.items()})
    refill_rows = refills.filter(order__provider_id=provider_id).values_list(
        "order__created_at", "order__service_id", "status", "requested_at", "finished_at"
    )
    for created_at, service_id, status, requested_at, finished_at in refill_rows:
        day = day_of(created_at)
        if day in wanted:
            _count_refill(per_day[day], service_id, status, requested_at, finished_at)
    _write(provider_id, per_day)
    write_spend(provider_id, spend_per_day)
    if sum_scores:
        periods.refresh([provider_id])


def _tally() -> dict:
    tally = {name: 0 for name in FIGURES}
    tally.update(to_start=[], to_finish=[], to_refill=[])  # seconds, counted when written
    return tally


def _count_order(services: dict, order: dict):
    status = order["status"]
    if status in NOT_AT_PANEL:
        return
    tally = services.setdefault(order["service_id"], _tally())
    tally["orders"] += 1
    if order["answer_lost_at"]:
        tally["needs_checking"] += 1
    if status in (Status.REJECTED, Status.NOT_PLACED):
        tally["rejected"] += status == Status.REJECTED
        return
    if status in OPEN_AT_PANEL:
        tally["open"] += 1
    if status in COUNTED_STATUS:
        tally[COUNTED_STATUS[status]] += 1
    placed, started, finished = order["placed_at"], order["started_at"], order["finished_at"]
    if placed and started:
        tally["to_start"].append(max(0, (started - placed).total_seconds()))
    if placed and finished and status in (Status.COMPLETED, Status.PARTIAL):
        tally["to_finish"].append(max(0, (finished - placed).total_seconds()))
    if order["cancel_requested_at"]:
        tally["cancels_asked"] += 1
        tally["cancels_honoured"] += status in (Status.CANCELED, Status.REFUNDED, Status.PARTIAL)
    elif status in FINISHED:
        ordered = order["quantity"] * int((order["extra"] or {}).get("runs") or 1)
        tally["quantity_finished"] += ordered
        tally["quantity_delivered"] += _delivered(status, ordered, order["remains"])


def _delivered(status, ordered: int, remains: int | None) -> int:
    if status == Status.COMPLETED:
        return ordered - max(0, min(remains or 0, ordered))
    if remains is None:
        # A partial, cancelled or failed order whose panel never said what remains: nothing
        # is assumed delivered.
        return 0
    return max(0, ordered - remains)


def _count_refill(services, service_id, status, requested_at, finished_at):
    tally = services.setdefault(service_id, _tally())
    tally["refills"] += 1
    if status == Refill.Status.COMPLETED:
        tally["refills_completed"] += 1
        if finished_at:
            tally["to_refill"].append(max(0, (finished_at - requested_at).total_seconds()))
    elif status == Refill.Status.REJECTED:
        tally["refills_rejected"] += 1


def _figures(tallies: list[dict]) -> dict:
    """The model fields of one rollup row from the tallies of one or more services."""
    figures = {}
    for name in FIGURES:
        if name.startswith("to_"):
            seconds = [value for tally in tallies for value in tally[name]]
            figures[name] = histograms.count(seconds, histograms.DELIVERY_SECONDS)
        else:
            figures[name] = sum(tally[name] for tally in tallies)
    return figures


def _write(provider_id: int, per_day: dict):
    provider_rows, service_rows = [], []
    for day, services in per_day.items():
        provider_rows.append(
            ProviderDay(provider_id=provider_id, day=day, **_figures(list(services.values())))
        )
        for service_id, tally in services.items():
            service_rows.append(
                ServiceDay(
                    provider_id=provider_id, service_id=service_id, day=day, **_figures([tally])
                )
            )
    # A service whose orders all moved out of the day (never, today) keeps no stale row.
    ServiceDay.objects.filter(provider_id=provider_id, day__in=list(per_day)).exclude(
        service_id__in={row.service_id for row in service_rows}
    ).delete()
    ProviderDay.objects.bulk_create(
        provider_rows,
        update_conflicts=True,
        unique_fields=["provider", "day"],
        update_fields=[*FIGURES, "computed_at"],
    )
    ServiceDay.objects.bulk_create(
        service_rows,
        update_conflicts=True,
        unique_fields=["service", "day"],
        update_fields=[*FIGURES, "computed_at"],
        batch_size=500,
    )
