"""Which pair of balance readings each charge and refund explains: exactly one.

A reading shows the balance at one moment; between two readings it moves by the charges and
refunds that reached it in between. smmdash knows when it learned of each (a charge when the
panel answered the order, a refund when a status check saw it end), and how long before that
it can have reached the balance (`earliest`). Where no reading falls in between, the pair is
certain. Where one does, every way of placing such movements within their reach is weighed
at once, and the one that leaves the fewest pairs with a move unexplained wins (then the
least money unexplained, then the most movements counted where smmdash learned of them): a
refund that landed just before a reading and was seen just after is counted with the rise it
made, not beside a top-up in the next pair.
"""

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import combinations

from providers.models import BalanceSnapshot

# A move within this of what the orders explain is rounding, not money put in.
TOLERANCE = Decimal("0.01")
TOLERANCE_SHARE = Decimal("0.01")
# The most uncertain movements weighed together at one reading (3^N ways to try); beyond it,
# the smallest are counted where smmdash learned of them.
MAX_WEIGHED = 10


@dataclass(frozen=True)
class Movement:
    """One charge or refund: what it did to the balance, and between which moments."""

    key: str  # "charge 12", "refund 12": counted once
    amount: Decimal  # signed: a charge lowers the balance, a refund raises it
    earliest: datetime  # it reached the balance at this moment or after...
    known: datetime  # ...and by the moment smmdash learned of it


@dataclass
class Pair:
    """Two consecutive readings, and the move between them that is not explained yet."""

    before: BalanceSnapshot
    after: BalanceSnapshot
    unexplained: Decimal = Decimal(0)
    explained: Decimal = Decimal(0)  # the size of what was counted here, for the tolerance
    counted: list[Movement] = field(default_factory=list)

    def __post_init__(self):
        self.unexplained = self.after.amount - self.before.amount

    def count(self, movement: Movement):
        self.unexplained -= movement.amount
        self.explained += abs(movement.amount)
        self.counted.append(movement)

    def cost_with(self, movements) -> tuple[int, Decimal]:
        """Whether a move would be left unexplained here with `movements` counted too, and how much.
        Only a reading's own rounding is let pass: a small refund is as much a move as a
        large one when telling where it landed."""
        left = abs(self.unexplained - sum((m.amount for m in movements), Decimal(0)))
        return int(left > TOLERANCE), left

    @property
    def top_up(self) -> Decimal | None:
        """The rise left unexplained, when it is more than rounding."""
        rise = self.unexplained
        return rise if rise > tolerance(self.explained) else None


def tolerance(amount: Decimal) -> Decimal:
    return TOLERANCE + amount * TOLERANCE_SHARE


def attribute(pairs: list[Pair], movements: list[Movement]):
    """Count each movement in exactly one of `pairs` (consecutive, oldest first), or in none
    when smmdash learned of it after the last of them (the next look counts it)."""
    befores = [pair.before.taken_at for pair in pairs]
    afters = [pair.after.taken_at for pair in pairs]
    reach: dict[Movement, tuple[int, int]] = {}  # the first pair it may be in, and its home
    beyond = len(pairs)  # the home of a movement learned of after the last reading
    for movement in movements:
        first = bisect_left(afters, movement.earliest)
        home = bisect_left(befores, movement.known) - 1
        if home < 0 or first >= beyond:
            continue  # counted by an earlier look, or for the next one
        if afters[home] < movement.known:
            home = beyond
        if first >= home:
            pairs[home].count(movement)
        else:
            reach[movement] = (first, home)
    _weigh(pairs, _within_reason(pairs, reach))


def _within_reason(pairs: list[Pair], reach: dict) -> dict:
    """`reach` without the movements that would make more than MAX_WEIGHED uncertain at one
    reading: the smallest of those are counted where smmdash learned of them."""
    kept: dict = {}
    crowd = [0] * (len(pairs) + 1)  # uncertain movements kept, per pair
    for movement in sorted(reach, key=lambda m: (-abs(m.amount), m.key)):
        first, home = reach[movement]
        if max(crowd[first : home + 1]) >= MAX_WEIGHED:
            if home < len(pairs):
                pairs[home].count(movement)
            continue
        kept[movement] = reach[movement]
        for index in range(first, home + 1):
            crowd[index] += 1
    return kept


def _weigh(pairs: list[Pair], reach: dict):
    """Place the uncertain movements the best way (see the module's doc), pair by pair: the
    ways still open are the movements not placed yet, each with its cost so far."""
    if not reach:
        return
    arriving: dict[int, list[Movement]] = {}
    for movement, (first, _) in reach.items():
        arriving.setdefault(first, []).append(movement)
    start = min(arriving)
    end = max(home for _, home in reach.values())
    # Not placed yet -> (cost so far, the placements that led here, newest first).
    ways: dict[frozenset, tuple] = {frozenset(): ((0, 0, Decimal(0)), None)}
    for index in range(start, end + 1):
        # Past the last pair: what is left waits for the next look, at no cost here.
        pair, next_ways = (pairs[index] if index < len(pairs) else BEYOND), {}
        for waiting, (cost, placed) in ways.items():
            open_ = waiting | frozenset(arriving.get(index, ()))
            # Placed at its home at the latest.
            due = {m for m in open_ if reach[m][1] == index}
            optional = sorted(open_ - due, key=lambda m: m.key)
            for size in range(len(optional) + 1):
                for chosen in combinations(optional, size):
                    here = due.union(chosen)
                    moved, left = pair.cost_with(here)
                    away = size  # the optional ones are placed before their home
                    total = (cost[0] + moved, cost[1] + away, cost[2] + left)
                    rest = open_ - here
                    if rest not in next_ways or total < next_ways[rest][0]:
                        next_ways[rest] = (total, (index, here, placed))
        ways = next_ways
    _, placed = ways[frozenset()]
    while placed is not None:
        index, here, placed = placed
        for movement in sorted(here, key=lambda m: m.key):
            if index < len(pairs):
                pairs[index].count(movement)


class _Beyond:
    """The pair after the last reading: nothing counted there costs anything now."""

    @staticmethod
    def cost_with(movements) -> tuple[int, Decimal]:
        return 0, Decimal(0)


BEYOND = _Beyond()
