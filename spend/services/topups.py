"""Top-ups: found where a provider's balance rose by more than its orders explain, or recorded
by hand.

Between two balance readings the balance moves by what the panel refunded less what it
charged for new orders; whatever rise is left is money put in. Each charge and each refund
explains exactly one pair of consecutive readings:

- a charge is what the panel charged (smmdash's expected cost only where it reports no charge),
  taken when the order was placed;
- a refund reaches the balance before the status check that sees it (`finished_at`), at most
  SETTLE before. Where a reading falls between those moments, the refund is counted in the
  pair whose move it explains (spend.services.attribution).

Readings are looked at once they are SETTLE old, so every refund that can have reached them
has been seen; the newer ones are read too, to tell where a refund seen since reached the
balance. Each provider's history is read forward from where the last look stopped
(BalanceReview, advanced with a conditional UPDATE), so two workers never record one top-up
twice, and a top-up staff removed is not found again. A refund seen after the last reading
looked at, but counted in a pair before it, is remembered there (`counted_ahead`) so that the
next look does not count it again.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from orders.services.spending import REFUNDING, expected_final
from providers.models import Provider
from rates.money import COST_STEP
from spend.models import BalanceReview, TopUp
from spend.services.attribution import Movement, Pair, attribute

SETTLE = timedelta(minutes=10)
ORDER_COLUMNS = (
    "pk",
    "submitted_at",
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
    now = now or timezone.now()
    found = []
    for provider in Provider.objects.filter(balances__taken_at__lte=now - SETTLE).distinct():
        found += _review(provider, now)
    return found


def _review(provider: Provider, now) -> list[TopUp]:
    first = provider.balances.order_by("pk").values_list("pk", flat=True)[:1]
    review, _ = BalanceReview.objects.get_or_create(
        provider=provider, defaults={"last_snapshot_id": first[0]}
    )
    # Every reading since the last look: those SETTLE old are looked at, the newer ones show
    # where a refund seen since then reached the balance.
    readings = list(
        provider.balances.filter(pk__gte=review.last_snapshot_id, taken_at__lte=now).order_by("pk")
    )
    if len(readings) < 2:
        return []
    counted_before = set(review.counted_ahead)
    movements = movements_of(provider, readings[0].taken_at, readings[-1].taken_at)
    fresh = [movement for movement in movements if movement.key not in counted_before]
    last = _last_to_look_at(readings, fresh, now - SETTLE)
    if not last:
        return []
    pairs = [Pair(before, after) for before, after in pairwise(readings)]
    attribute(pairs, fresh)
    looked_at, end = pairs[:last], readings[last].taken_at
    ahead = [m.key for pair in looked_at for m in pair.counted if m.known > end]
    # Counted by an earlier look, and still not reached: remembered on.
    ahead += [m.key for m in movements if m.key in counted_before and m.known > end]
    with transaction.atomic():
        claimed = BalanceReview.objects.filter(
            pk=provider.pk, last_snapshot_id=review.last_snapshot_id
        ).update(last_snapshot_id=readings[last].pk, counted_ahead=ahead)
        if not claimed:
            return []  # another worker read this stretch
        return [top_up for pair in looked_at if (top_up := _record(provider, pair))]


def _last_to_look_at(readings, movements: list[Movement], settled) -> int | None:
    """The index of the newest reading to look at now: SETTLE old, and not between a movement's
    earliest moment and one smmdash knew of it after the newest reading (where it reached the
    balance cannot be told yet)."""
    newest = readings[-1].taken_at
    unplaced = [m for m in movements if m.known > newest]
    for index in range(len(readings) - 1, 0, -1):
        at = readings[index].taken_at
        if at <= settled and not any(m.earliest <= at for m in unplaced):
            return index
    return None


def _record(provider: Provider, pair: Pair) -> TopUp | None:
    amount = pair.top_up
    if amount is None:
        return None
    top_up, created = TopUp.objects.get_or_create(
        snapshot=pair.after,
        defaults={
            "provider": provider,
            "amount": amount,
            "currency": pair.after.currency or provider.currency,
            "at": pair.after.taken_at,
            "source": TopUp.Source.DETECTED,
        },
    )
    return top_up if created else None


def movements_of(provider: Provider, start: datetime, end: datetime) -> list[Movement]:
    """The charges and refunds smmdash learned of after `start` that can have reached the
    balance by `end`: one query."""
    orders = (
        Order.objects.filter(provider=provider)
        .filter(
            Q(placed_at__gt=start, placed_at__lte=end + SETTLE)
            | Q(finished_at__gt=start, finished_at__lte=end + SETTLE, status__in=REFUNDING)
        )
        .order_by()
        .values(*ORDER_COLUMNS)
    )
    found = []
    for order in orders:
        charged, placed, finished = (
            charged_at_placing(order),
            order["placed_at"],
            order["finished_at"],
        )
        if placed and placed > start:
            earliest = min(order["submitted_at"] or placed, placed)
            found.append(Movement(f"charge {order['pk']}", -charged, earliest, placed))
        refund = charged - final_cost(order)
        if finished and finished > start and order["status"] in REFUNDING and refund > 0:
            earliest = max(finished - SETTLE, placed) if placed else finished - SETTLE
            found.append(Movement(f"refund {order['pk']}", refund, earliest, finished))
    return sorted(found, key=lambda movement: (movement.known, movement.key))


def final_cost(order: dict) -> Decimal:
    """What the order costs in the end: the panel's charge, else smmdash's expectation."""
    return order["charge"] if order["charge"] is not None else expected_final(order)


def charged_at_placing(order: dict) -> Decimal:
    """What the panel took from the balance when it accepted the order: what it says it
    charged, before what a partial delivery gave back. smmdash's expected cost only where the
    panel reports no charge, or has refunded everything (its price is then unknown)."""
    charge, expected = order["charge"], order["expected_cost"]
    if charge is None:
        return expected
    if order["status"] not in REFUNDING:
        return charge
    ordered = order["quantity"] * int((order["extra"] or {}).get("runs") or 1)
    delivered = ordered - max(0, order["remains"] or 0) if order["remains"] is not None else 0
    if order["status"] == Order.Status.PARTIAL and 0 < delivered < ordered:
        return (charge * ordered / delivered).quantize(COST_STEP, rounding=ROUND_HALF_UP)
    return max(charge, expected)


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
