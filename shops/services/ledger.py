"""A shop's credit: every movement is a ledger row, and Shop.balance (their sum) changes in the
same transaction as the row, by a conditional UPDATE, so two charges can never both spend the
same money and the balance never drifts from the rows."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from shops.models import LedgerEntry, Shop

Kind = LedgerEntry.Kind


class NotEnoughCredit(Exception):
    pass


def top_up(shop: Shop, amount: Decimal, *, note="", user=None) -> LedgerEntry:
    """Money put into the shop's credit by a manager (negative: taken back)."""
    with transaction.atomic():
        Shop.objects.filter(pk=shop.pk).update(balance=F("balance") + amount)
        return LedgerEntry.objects.create(
            shop=shop, kind=Kind.TOP_UP, amount=amount, note=note[:300], created_by=user
        )


def charge(shop_id: int, shop_order, amount: Decimal) -> None:
    """Take `amount` for `shop_order`; NotEnoughCredit when the balance does not cover it.
    Call inside the transaction that writes the order."""
    taken = Shop.objects.filter(pk=shop_id, balance__gte=amount).update(
        balance=F("balance") - amount
    )
    if not taken:
        raise NotEnoughCredit
    LedgerEntry.objects.create(
        shop_id=shop_id, kind=Kind.CHARGE, amount=-amount, shop_order=shop_order
    )


def refund(shop_order, amount: Decimal, note: str) -> None:
    """Give `amount` of `shop_order`'s charge back. Call inside the transaction whose
    conditional UPDATE claimed the order's settlement, so it happens once."""
    if amount <= 0:
        return
    Shop.objects.filter(pk=shop_order.shop_id).update(balance=F("balance") + amount)
    LedgerEntry.objects.create(
        shop_id=shop_order.shop_id,
        kind=Kind.REFUND,
        amount=amount,
        shop_order=shop_order,
        note=note[:300],
    )


def ledger_sum(shop: Shop) -> Decimal:
    """The rows' sum, added in Decimal here: SQLite would add them as floats."""
    amounts = LedgerEntry.objects.filter(shop=shop).values_list("amount", flat=True)
    return sum(amounts, Decimal(0))
