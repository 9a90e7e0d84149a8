"""Top-ups: found where a provider's balance rose by more than its orders' refunds explain, or
recorded by hand.

Between two balance readings the balance should move by what the panel refunded less what new
orders cost; whatever rise is left is money put in. Readings are looked at once they are
SETTLE old, so that the refunds behind a rise have been seen by a status check, and refunds are
counted from SETTLE either side of the readings. Each provider's history is read forward from
where the last look stopped (BalanceReview, advanced with a conditional UPDATE), so two workers
never record one top-up twice, and a top-up staff removed is not found again.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from orders.services.spending import REFUNDING, expected_final
from providers.models import Provider
from spend.models import BalanceReview, TopUp

SETTLE = timedelta(minutes=10)
# A rise within this of what the refunds explain is rounding, not money put in.
TOLERANCE = Decimal("0.01")
TOLERANCE_SHARE = Decimal("0.01")
ORDER_COLUMNS = (
    "placed_at",
    "finished_at",
    "status",
    "expected_cost",
    "charge",
    "remains",
    "quantity",
    "extra",
)


def detect_top_ups(now=None) -> list[TopUp]:
    """Read every provider's new balance readings for top-ups; returns the ones found."""
    settled = (now or timezone.now()) - SETTLE
    found = []
    for provider in Provider.objects.filter(balances__taken_at__lte=settled).distinct():
        found += _review(provider, settled)
    return found


def _review(provider: Provider, settled) -> list[TopUp]:
    first = provider.balances.order_by("pk").values_list("pk", flat=True)[:1]
    review, _ = BalanceReview.objects.get_or_create(
        provider=provider, defaults={"last_snapshot_id": first[0]}
    )
    readings = list(
        provider.balances.filter(pk__gte=review.last_snapshot_id, taken_at__lte=settled).order_by(
            "pk"
        )
    )
    if len(readings) < 2:
        return []
    claimed = BalanceReview.objects.filter(
        pk=provider.pk, last_snapshot_id=review.last_snapshot_id
    ).update(last_snapshot_id=readings[-1].pk)
    if not claimed:
        return []  # another worker is reading this stretch
    start, end = readings[0].taken_at, readings[-1].taken_at
    orders = list(
        Order.objects.filter(provider=provider)
        .filter(
            Q(placed_at__gt=start, placed_at__lte=end)
            | Q(finished_at__gt=start - SETTLE, finished_at__lte=end + SETTLE)
        )
        .order_by()
        .values(*ORDER_COLUMNS)
    )
    found = []
    for before, after in pairwise(readings):
        rise = unexplained_rise(before, after, orders)
        if rise is not None:
            top_up, created = TopUp.objects.get_or_create(
                snapshot=after,
                defaults={
                    "provider": provider,
                    "amount": rise,
                    "currency": after.currency or provider.currency,
                    "at": after.taken_at,
                    "source": TopUp.Source.DETECTED,
                },
            )
            if created:
                found.append(top_up)
    return found


def unexplained_rise(before, after, orders: list[dict]) -> Decimal | None:
    """How much more the balance rose from reading `before` to `after` than refunds explain,
    when that is more than rounding; else None."""
    debits = sum(
        (
            o["expected_cost"]
            for o in orders
            if o["placed_at"] and before.taken_at < o["placed_at"] <= after.taken_at
        ),
        Decimal(0),
    )
    refunds = sum(
        (
            _refund(o)
            for o in orders
            if o["finished_at"]
            and before.taken_at - SETTLE < o["finished_at"] <= after.taken_at + SETTLE
        ),
        Decimal(0),
    )
    rise = after.amount - before.amount + debits - refunds
    if rise > TOLERANCE + (debits + refunds) * TOLERANCE_SHARE:
        return rise
    return None


def _refund(order: dict) -> Decimal:
    if order["status"] not in REFUNDING:
        return Decimal(0)
    cost = order["charge"] if order["charge"] is not None else expected_final(order)
    return max(Decimal(0), order["expected_cost"] - cost)


def record_top_up(provider: Provider, *, amount: Decimal, at=None, note="", user=None) -> TopUp:
    """A top-up staff add by hand."""
    return TopUp.objects.create(
        provider=provider,
        amount=amount,
        currency=provider.currency,
        at=at or timezone.now(),
        source=TopUp.Source.MANUAL,
        note=note,
        recorded_by=user,
    )


@transaction.atomic
def correct_top_up(top_up: TopUp, *, amount: Decimal, at, note: str, user=None) -> TopUp:
    """Staff correct a top-up (found or added): the amount, when, and a note saying why."""
    top_up.amount, top_up.at, top_up.note = amount, at, note
    top_up.recorded_by, top_up.corrected_at = user, timezone.now()
    top_up.save()
    return top_up
