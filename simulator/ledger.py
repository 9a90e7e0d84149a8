"""A simulated panel's books: accounts, orders, refills and how they move over time.

Orders are not advanced by a background loop: their state is worked out from the clock whenever
someone looks (pending, then in progress, then completed or partial). Balances are the deposit
minus what the orders currently cost, so partial deliveries and cancels refund by themselves.
Tests use a ``ManualClock`` and move time with ``advance()``.
"""

import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CHARGE_STEP = Decimal("0.00001")


class RealClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    def __init__(self, start: float = 1_767_225_600.0):
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float):
        self._now += seconds


@dataclass(frozen=True)
class Pace:
    """How long orders and refills spend in each stage, in seconds."""

    pending: float = 60
    running: float = 300


@dataclass(frozen=True)
class Delivery:
    """How well a panel delivers, so that scorecards measured on the simulator mean something:
    a slow starter, a panel that often delivers only part, refills that never complete."""

    start_factor: float = 1.0  # orders wait this many times the pace's pending time
    partial_every: int | None = None  # every n-th order ends partial (None: the dialect's)
    partial_delivers: float = 0.8  # the share of the quantity a partial order delivers
    refills_complete: bool = True  # False: refills stay in progress forever


class Refusal(Exception):
    """The panel says no; ``code`` picks the dialect's wording (see ``Dialect.errors``)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class Account:
    key: str
    deposit: Decimal
    user_id: int
    username: str


@dataclass
class SimOrder:
    order_id: int
    account: Account
    service: object  # catalog.SimService
    link: str
    quantity: int
    fields: dict
    created_at: float
    start_count: int
    partial: bool
    canceled_at: float | None = None
    refunded: bool = False


@dataclass
class SimRefill:
    refill_id: int
    order: SimOrder
    created_at: float


@dataclass(frozen=True)
class OrderView:
    phase: str  # pending, in_progress, completed, partial, canceled, refunded
    charge: Decimal
    start_count: int
    remains: int


@dataclass
class Ledger:
    clock: object
    pace: Pace
    partial_every: int  # every n-th order ends partial; 0 = never
    cancel_window: float | None = None  # seconds after placing when cancel is still allowed
    spam_window: float | None = None  # seconds between identical orders
    delivery: Delivery = field(default_factory=Delivery)
    accounts: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    refills: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_order_id: int = 1001
    next_refill_id: int = 501

    def open_account(self, key: str | None = None, balance: Decimal = Decimal("1000")) -> str:
        key = key or secrets.token_hex(16)
        number = len(self.accounts) + 1
        self.accounts[key] = Account(key, Decimal(balance), number, f"reseller{number}")
        return key

    def balance(self, account: Account) -> Decimal:
        spent = sum(
            (self.view(order).charge for order in self.orders.values() if order.account is account),
            Decimal(0),
        )
        return account.deposit - spent

    def place(self, account, service, link, quantity, fields) -> SimOrder:
        now = self.clock.now()
        cost = charge_for(service.rate, quantity)
        if cost > self.balance(account):
            raise Refusal("funds")
        if self.spam_window:
            for order in reversed(self.orders.values()):
                waited = now - order.created_at
                if waited >= self.spam_window:
                    break
                if order.account is account and order.link == link:
                    raise Refusal("spam", seconds=max(1, round(self.spam_window - waited)))
        order_id = self.next_order_id
        self.next_order_id += 1 + order_id % 3
        order = SimOrder(
            order_id=order_id,
            account=account,
            service=service,
            link=link,
            quantity=quantity,
            fields=fields,
            created_at=now,
            start_count=100 + (order_id * 7919) % 9000,
            # Every n-th order placed (ids skip numbers, so they cannot be used to count).
            partial=bool(self._partial_every) and (len(self.orders) + 1) % self._partial_every == 0,
        )
        self.orders[order_id] = order
        return order

    def order(self, account, order_id) -> SimOrder:
        order = _find(self.orders, order_id, "bad_order")
        if order.account is not account:
            raise Refusal("bad_order")
        return order

    @property
    def _partial_every(self) -> int:
        every = self.delivery.partial_every
        return self.partial_every if every is None else every

    @property
    def _pending(self) -> float:
        return self.pace.pending * self.delivery.start_factor

    def stage(self, since: float) -> str:
        """Where something placed at ``since`` is now: pending, in_progress or done."""
        elapsed = self.clock.now() - since
        if elapsed < self._pending:
            return "pending"
        if elapsed < self._pending + self.pace.running:
            return "in_progress"
        return "done"

    def view(self, order: SimOrder) -> OrderView:
        full = charge_for(order.service.rate, order.quantity)
        if order.refunded:
            return OrderView("refunded", Decimal(0), order.start_count, order.quantity)
        if order.canceled_at is not None:
            delivered = self._delivered(order, order.canceled_at)
            remains = order.quantity - delivered
            if delivered == 0:
                return OrderView("canceled", Decimal(0), order.start_count, order.quantity)
            return OrderView(
                "partial", charge_for(order.service.rate, delivered), order.start_count, remains
            )
        stage = self.stage(order.created_at)
        if stage == "pending":
            return OrderView("pending", full, 0, order.quantity)
        if stage == "in_progress":
            remains = order.quantity - self._delivered(order, self.clock.now())
            return OrderView("in_progress", full, order.start_count, remains)
        if order.partial:
            delivers = int(order.quantity * self.delivery.partial_delivers)
            remains = max(1, order.quantity - delivers)
            delivered = order.quantity - remains
            return OrderView(
                "partial", charge_for(order.service.rate, delivered), order.start_count, remains
            )
        return OrderView("completed", full, order.start_count, 0)

    def _delivered(self, order, moment) -> int:
        running_for = moment - order.created_at - self._pending
        if running_for <= 0:
            return 0
        share = min(1.0, running_for / self.pace.running)
        return min(order.quantity, int(order.quantity * share))

    def cancel(self, order: SimOrder):
        if order.canceled_at is not None or order.refunded:
            raise Refusal("already_canceled")
        now = self.clock.now()
        if self.cancel_window is not None and now - order.created_at > self.cancel_window:
            raise Refusal("cancel_window")
        if not order.service.cancel or self.view(order).phase not in ("pending", "in_progress"):
            raise Refusal("not_cancelable")
        order.canceled_at = now

    def refill(self, order: SimOrder) -> SimRefill:
        if not order.service.refill or self.view(order).phase not in ("completed", "partial"):
            raise Refusal("not_refillable")
        refill = SimRefill(self.next_refill_id, order, self.clock.now())
        self.next_refill_id += 1
        self.refills[refill.refill_id] = refill
        return refill

    def refill_phase(self, account, refill_id) -> str:
        refill = _find(self.refills, refill_id, "bad_refill")
        if refill.order.account is not account:
            raise Refusal("bad_refill")
        stage = self.stage(refill.created_at)
        if stage == "done" and not self.delivery.refills_complete:
            return "in_progress"
        return "completed" if stage == "done" else stage


def _find(table: dict, number, refusal: str):
    try:
        return table[int(str(number).strip())]
    except (KeyError, ValueError):
        raise Refusal(refusal) from None


def charge_for(rate: Decimal, quantity: int) -> Decimal:
    return (rate * quantity / 1000).quantize(CHARGE_STEP, rounding=ROUND_HALF_UP)
