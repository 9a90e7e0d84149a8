"""What an order of a service would cost, in both currencies, whether the balance covers it,
and, where it would fail, where else to place it: one answer for the order form, its live cost
fragment and the order page."""

from dataclasses import dataclass, field
from decimal import Decimal

from compare.services import failover
from rates.money import expected_cost, rates_to_base, to_base


@dataclass
class Quote:
    service: object
    quantity: int | None  # what was priced: None until a quantity is known
    runs: int = 1
    cost: Decimal | None = None
    cost_in_base: Decimal | None = None
    balance_in_base: Decimal | None = None
    short_by: Decimal | None = None  # how much the last known balance lacks, if it does
    problem: str | None = None  # why the order would fail here, if anything says so
    alternatives: list = field(default_factory=list)  # equivalents to order instead


def quote(service, quantity: int | None, runs: int = 1, *, refused_by_panel=False) -> Quote:
    provider = service.provider
    rates = rates_to_base()
    cost = expected_cost(service.rate, quantity, runs) if quantity and quantity > 0 else None
    balance = provider.balance
    short = cost - balance if cost is not None and balance is not None and cost > balance else None
    elsewhere = failover(service, quantity, cost, refused_by_panel=refused_by_panel)
    return Quote(
        service=service,
        quantity=quantity if cost is not None else None,
        runs=runs,
        cost=cost,
        cost_in_base=to_base(cost, provider.currency, rates),
        balance_in_base=to_base(balance, provider.currency, rates),
        short_by=short,
        problem=elsewhere["problem"],
        alternatives=elsewhere["alternatives"],
    )
