"""A shop's credit: every movement is a ledger row, and Shop.balance (their sum) changes in the
same transaction as the row, so two charges can never both spend the same money and the balance
never drifts from the rows. The new balance is computed in Decimal here, under the shop row's
lock (SELECT ... FOR UPDATE; SQLite's IMMEDIATE transactions hold the write lock): SQLite would
compute F("balance") - amount, and compare it, in floats, and refuse a charge of the whole
balance (0.3 - 0.1 - 0.1 < 0.1 there). PostgreSQL's numeric is exact, so there one conditional
UPDATE does both."""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F

from shops.models import LedgerEntry, Shop

Kind = LedgerEntry.Kind


class NotEnoughCredit(Exception):
    pass


def top_up(shop: Shop, amount: Decimal, *, note="", user=None) -> LedgerEntry:
    """Money put into the shop's credit by a manager (negative: taken back)."""
    with transaction.atomic():
        _move(shop.pk, amount)
        return LedgerEntry.objects.create(
            shop=shop, kind=Kind.TOP_UP, amount=amount, note=note[:300], created_by=user
        )


def charge(shop_id: int, shop_order, amount: Decimal) -> None:
    """Take `amount` for `shop_order`; NotEnoughCredit when the balance does not cover it.
    Call inside the transaction that writes the order."""
    _move(shop_id, -amount, refuse_below_zero=True)
    LedgerEntry.objects.create(
        shop_id=shop_id, kind=Kind.CHARGE, amount=-amount, shop_order=shop_order
    )


def refund(shop_order, amount: Decimal, note: str) -> None:
    """Give `amount` of `shop_order`'s charge back. Call inside the transaction whose
    conditional UPDATE claimed the order's settlement, so it happens once."""
    if amount <= 0:
        return
    _move(shop_order.shop_id, amount)
    LedgerEntry.objects.create(
        shop_id=shop_order.shop_id,
        kind=Kind.REFUND,
        amount=amount,
        shop_order=shop_order,
        note=note[:300],
    )


def _move(shop_id: int, amount: Decimal, *, refuse_below_zero=False) -> None:
    """Add `amount` to the shop's balance, exactly; NotEnoughCredit (nothing changed) when it
    would go below zero and that is refused. Every caller is inside a transaction already: no
    savepoint of its own, so a refusal rolls the caller's transaction back."""
    rows = Shop.objects.filter(pk=shop_id)
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            # numeric is exact there: one conditional UPDATE checks and moves (an add's charge
            # is on the API's busiest path).
            if refuse_below_zero:
                rows = rows.filter(balance__gte=-amount)
            if not rows.update(balance=F("balance") + amount) and refuse_below_zero:
                raise NotEnoughCredit
            return
        balance = rows.select_for_update().values_list("balance", flat=True).get()
        after = balance + amount
        if refuse_below_zero and after < 0:
            raise NotEnoughCredit
        rows.update(balance=after)


def ledger_sum(shop: Shop) -> Decimal:
    """The rows' sum, added in Decimal here: SQLite would add them as floats."""
    amounts = LedgerEntry.objects.filter(shop=shop).values_list("amount", flat=True)
    return sum(amounts, Decimal(0))
