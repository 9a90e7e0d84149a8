"""Past orders and panel calls, as if smmdash had tracked a few weeks of buying: what gives the
demo's scorecards something to say, and the scorecard benchmark its million orders.

Every order is finished (the panels never hear of them, and no poll asks about them), shaped
by its panel's delivery profile: how soon it starts, how often it ends partial and how much
then arrives, how often it fails, whether refills complete, how the API answers. Written in
bulk; the rollups are then computed from them like any other orders'.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from demo.links import demo_link
from orders.models import Order, Refill
from orders.services import rollups
from providers.models import ApiDay
from smmdash.lib import histograms
from smmdash.lib.days import day_of, day_start

BATCH = 5000
ACTIONS = {"status": 40, "balance": 288, "add": 0, "services": 4, "refill_status": 6}


@dataclass(frozen=True)
class Profile:
    start_minutes: float = 5  # median minutes from placing to the first progress
    run_minutes: float = 60
    partial: float = 0.04  # share of orders that end partial
    partial_delivers: float = 0.8
    failed: float = 0.01
    canceled: float = 0.02
    rejected: float = 0.01
    lost: float = 0.002  # answers lost (needs checking, resolved later)
    refills: float = 0.05  # share of finished orders refilled
    refills_complete: float = 0.9
    api_failures: float = 0.005
    latency_ms: float = 250


# The simulated panels' delivery profiles (simulator.profiles), over weeks of orders.
PROFILES = {
    "smmprovider": Profile(partial=0.0, start_minutes=3, refills_complete=0.97),
    "smmsheba": Profile(start_minutes=150, run_minutes=240, latency_ms=900),
    "smmbros": Profile(partial=0.33, partial_delivers=0.55, failed=0.03, api_failures=0.03),
    "smmub": Profile(start_minutes=20, canceled=0.06, latency_ms=600),
    "smmpllus": Profile(refills_complete=0.0, start_minutes=8),
}


def seed(provider_profiles, *, days: int, per_day: int, now=None, seed_value=7) -> int:
    """Write `per_day` orders a day for `days` days at each (provider, services, profile), with
    their refills and the providers' API calls, then compute the rollups. Returns the orders
    written."""
    rng = random.Random(seed_value)  # noqa: S311 (made-up history, repeatable on purpose)
    now = now or datetime.now(UTC)
    written = 0
    for provider, services, profile in provider_profiles:
        batch, refills = [], []
        for day in range(days, 0, -1):
            for _ in range(per_day):
                order, refill = _order(provider, rng.choice(services), profile, rng, now, day)
                batch.append(order)
                refills.append(refill)
                if len(batch) == BATCH:
                    written += _write(batch, refills)
                    batch, refills = [], []
        written += _write(batch, refills)
        ApiDay.objects.bulk_create(
            _api_days(provider, profile, rng, now, days, per_day), ignore_conflicts=True
        )
    rollups.rebuild(since=day_of(now - timedelta(days=days + 1)))
    return written


def _order(provider, service, profile, rng, now, days_ago):
    created = now - timedelta(days=days_ago, seconds=rng.randrange(86400))
    quantity = max(service.min, min(service.max, rng.choice((100, 250, 500, 1000, 2000, 5000))))
    order = Order.of_service(
        service,
        link=demo_link(service, f"history-{rng.randrange(10**9)}"),
        quantity=quantity,
        created_at=created,
        submitted_at=created,
    )
    roll = rng.random()
    cut = _thresholds(profile)
    if roll < cut["rejected"]:
        order.status, order.last_error = Order.Status.REJECTED, "Not enough funds on balance"
        return order, None
    order.placed_at = created + timedelta(seconds=rng.uniform(0.3, 2))
    order.provider_order_id = str(rng.randrange(10**8))
    if roll < cut["lost"]:
        order.answer_lost_at = order.placed_at
    started = order.placed_at + timedelta(
        minutes=rng.lognormvariate(0, 0.6) * profile.start_minutes
    )
    finished = started + timedelta(minutes=rng.lognormvariate(0, 0.5) * profile.run_minutes)
    order.started_at, order.finished_at = started, finished
    order.status_checked_at = finished
    order.start_count = rng.randrange(100, 20000)
    if roll < cut["failed"]:
        order.status, order.remains, order.charge = Order.Status.FAILED, quantity, Decimal(0)
        order.started_at = None
    elif roll < cut["canceled"]:
        order.status, order.remains, order.charge = Order.Status.CANCELED, quantity, Decimal(0)
        order.cancel_requested_at, order.started_at = created + timedelta(minutes=1), None
    elif roll < cut["partial"]:
        delivered = int(quantity * profile.partial_delivers)
        order.status, order.remains = Order.Status.PARTIAL, quantity - delivered
        order.charge = order.expected_cost * delivered / quantity
    else:
        order.status, order.remains, order.charge = Order.Status.COMPLETED, 0, order.expected_cost
    if order.finished_at > now:  # ends in the future: still running now
        order.status, order.finished_at = Order.Status.IN_PROGRESS, None
        return order, None
    refill = None
    if (
        order.status in (Order.Status.COMPLETED, Order.Status.PARTIAL)
        and rng.random() < profile.refills
    ):
        asked = finished + timedelta(days=rng.uniform(1, 5))
        if asked < now:
            done = rng.random() < profile.refills_complete
            refill = Refill(
                requested_at=asked,
                checked_at=asked,
                status=Refill.Status.COMPLETED if done else Refill.Status.IN_PROGRESS,
                finished_at=asked + timedelta(hours=rng.uniform(2, 30)) if done else None,
            )
    return order, refill


def _thresholds(profile: Profile) -> dict:
    """Cumulative cut-offs on one random draw: rejected, lost (placed), failed, cancelled,
    partial; above the last, completed."""
    rejected = profile.rejected
    failed = rejected + profile.failed
    canceled = failed + profile.canceled
    return {
        "rejected": rejected,
        "lost": rejected + profile.lost,
        "failed": failed,
        "canceled": canceled,
        "partial": canceled + profile.partial,
    }


def _write(orders, refills) -> int:
    if not orders:
        return 0
    saved = Order.objects.bulk_create(orders)
    asked = []
    for order, refill in zip(saved, refills, strict=True):
        if refill is not None and order.pk is not None:
            # No refill id: the panels never heard of these, so no poll asks after them.
            refill.order = order
            asked.append(refill)
    Refill.objects.bulk_create(asked)
    return len(saved)


def _api_days(provider, profile, rng, now, days, per_day):
    rows = []
    for days_ago in range(days, 0, -1):  # today's calls are the live ones
        day: date = day_of(now - timedelta(days=days_ago))
        for action, per_day_calls in ACTIONS.items():
            calls = per_day_calls or per_day
            failures = sum(rng.random() < profile.api_failures for _ in range(min(calls, 400)))
            answered = [
                rng.lognormvariate(0, 0.4) * profile.latency_ms for _ in range(min(calls, 400))
            ]
            rows.append(
                ApiDay(
                    provider=provider,
                    day=day,
                    action=action,
                    calls=calls,
                    failures=failures,
                    latency=histograms.count(answered, histograms.LATENCY_MS),
                    last_failure_at=day_start(day) + timedelta(hours=rng.uniform(0, 23))
                    if failures
                    else None,
                    last_failure="The connection to the panel broke after the request was sent"
                    if failures
                    else "",
                )
            )
    return rows
