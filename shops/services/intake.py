"""Accepting a shop's `add`: the same checks as the order form, the price, the charge and the
order written in one transaction, and the answer at once. A worker routes it afterwards
(shops.services.routing): the answer never waits on an upstream panel.

A repeated add (the same shop, product, link, quantity and fields within
SHOP_ADD_REPEAT_WINDOW) is the first order: a unique claim per shop and request makes
concurrent repeats wait for the first and find it, rather than check-then-insert.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache, partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from orders.links import link_key
from orders.models import MAX_QUANTITY
from orders.services.overlaps import open_overlaps
from orders.validation import clean_link
from rates.money import expected_cost
from shops.models import Product, ProductPrice, Quote, RepeatClaim, Shop, ShopOrder
from shops.services import words
from shops.services.catalog import shop_rate
from shops.services.ledger import NotEnoughCredit, charge
from shops.services.routing import hand_over

# Drip-feed fields, the only extras a routed (default-type) product takes, and their range.
DRIPFEED = {"runs": (1, 1000), "interval": (1, 10080)}


class Refused(Exception):
    """The add is refused; the message is the API's answer."""


@dataclass
class Accepted:
    shop_order_id: int
    repeated: bool


def accept(shop: Shop, fields) -> Accepted:
    """Accept an add: in the usual case a query for the product with the shop's prices, then
    the order, its claim, the charge and its ledger row in one transaction (no savepoint: a
    caller's transaction is this one, and a refusal inside it rolls it back)."""
    product = _product(shop, fields.get("service"))
    quantity = _whole(fields.get("quantity"))
    if quantity is None:
        raise Refused(words.BAD_QUANTITY)
    link = (fields.get("link") or fields.get("url") or "").strip()
    extra = _extra(product, fields)
    fingerprint = _fingerprint(product, link, quantity, extra)
    now = timezone.now()
    try:
        order = _checked_order(shop, product, link, quantity, extra, now)
    except Refused:
        # A repeat is the first order, whatever has changed since (the link is now busy with
        # that very order, the price moved): looked up only when a check refuses.
        first = _unexpired_claim(shop, fingerprint, now)
        if first is not None:
            return Accepted(first, True)
        raise
    try:
        with transaction.atomic(savepoint=False):
            order.save()
            if not _claim(shop, fingerprint, order, now):
                # An unexpired claim has it: this is a repeat, and its order is not needed.
                ShopOrder.objects.filter(pk=order.pk).delete()
                return Accepted(_unexpired_claim(shop, fingerprint, now), True)
            charge(shop.pk, order, order.charge)
            # Robust, as orders': the charge is committed by then, and the shop must get its
            # order id whatever the broker does (the tick hands over what it refused).
            transaction.on_commit(partial(hand_over, order.pk), robust=True)
    except NotEnoughCredit:
        raise Refused(words.NO_CREDIT) from None
    return Accepted(order.pk, False)


def _checked_order(shop, product, link, quantity, extra, now) -> ShopOrder:
    """The order the add asks for, priced, once the order form's checks pass."""
    if not product.min <= quantity <= product.max:
        raise Refused(words.QUANTITY_RANGE.format(min=product.min, max=product.max))
    try:
        link = clean_link(link)
    except ValidationError:
        raise Refused(words.BAD_LINK) from None
    if shop.same_link == Shop.SameLink.REFUSE and _link_busy(product, link):
        raise Refused(words.LINK_BUSY)
    rate = _rate(shop, product)
    return ShopOrder(
        shop=shop,
        product=product,
        link=link,
        link_key=link_key(link),
        quantity=quantity,
        extra=extra,
        rate=rate,
        charge=expected_cost(rate, quantity, extra.get("runs", 1)),
        cost=product.cost,
        created_at=now,
        route_task_due_at=now,
    )


def _product(shop: Shop, service) -> Product:
    """The product, if the shop may buy it, with the shop's own price (`own_rate`) and the
    price it was last told (`quoted`), in one query."""
    product_id = _whole(service)
    found = []
    if product_id:
        found = list(
            Product.objects.raw(
                _product_sql(), [shop.pk, shop.pk, product_id, shop.all_products, shop.pk]
            )
        )
    if not found:
        raise Refused(words.UNKNOWN_SERVICE)
    product = found[0]
    # Read as text: a raw query's extra columns skip the field's converters, and SQLite would
    # hand back a float.
    product.own_rate = _decimal(product.own_rate)
    product.quoted = _decimal(product.quoted)
    return product


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


@cache
def _product_sql() -> str:
    """allowed_products(shop).filter(pk=...) with the two prices, written once: an add is
    the API's busiest call, and composing this query with the ORM cost more than running
    it (two correlated subqueries). Names come from the models."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"p.{quote(field.column)}" for field in Product._meta.concrete_fields)
    chosen = Shop.products.through._meta
    return (
        f"SELECT {columns}, "  # noqa: S608 (names from the models; values are parameters)
        f"(SELECT CAST(rate AS TEXT) FROM {quote(ProductPrice._meta.db_table)} "
        "WHERE shop_id = %s AND product_id = p.id) AS own_rate, "
        f"(SELECT CAST(rate AS TEXT) FROM {quote(Quote._meta.db_table)} "
        "WHERE shop_id = %s AND product_id = p.id) AS quoted "
        f"FROM {quote(Product._meta.db_table)} p WHERE p.id = %s AND p.available "
        f"AND (%s OR p.id IN (SELECT {quote(chosen.get_field('product').column)} "
        f"FROM {quote(chosen.db_table)} WHERE {quote(chosen.get_field('shop').column)} = %s))"
    )


def _whole(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_QUANTITY else None


def _extra(product: Product, fields) -> dict:
    asked = {name: fields.get(name) for name in DRIPFEED if fields.get(name) not in (None, "")}
    if not asked:
        return {}
    if not product.dripfeed:
        raise Refused(words.NO_DRIPFEED)
    extra = {}
    for name, (low, high) in DRIPFEED.items():
        value = _whole(asked.get(name, low))
        if value is None or not low <= value <= high:
            raise Refused(words.BAD_FIELD.format(field=name, low=low, high=high))
        extra[name] = value
    return extra if extra["runs"] > 1 else {}


def _fingerprint(product, link, quantity, extra) -> str:
    what = json.dumps([product.pk, link, quantity, sorted(extra.items())])
    return hashlib.sha256(what.encode()).hexdigest()


def _unexpired_claim(shop, fingerprint, now) -> int | None:
    return (
        RepeatClaim.objects.filter(shop=shop, fingerprint=fingerprint, expires_at__gt=now)
        .values_list("shop_order_id", flat=True)
        .first()
    )


def _claim(shop, fingerprint, order, now) -> bool:
    """Claim the request for `order`: True when it is the first (or the claim there had
    expired and is taken over), False when an unexpired claim has it. One INSERT ... ON
    CONFLICT: a concurrent repeat waits on the unique key for the first to commit, then finds
    its claim unexpired."""
    expires = now + timedelta(seconds=settings.SHOP_ADD_REPEAT_WINDOW)
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(RepeatClaim._meta.db_table)
    sql = (
        f"INSERT INTO {table} (shop_id, fingerprint, shop_order_id, expires_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s) ON CONFLICT (shop_id, fingerprint) DO UPDATE SET "
        "shop_order_id = excluded.shop_order_id, expires_at = excluded.expires_at "
        f"WHERE {table}.expires_at <= %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [shop.pk, fingerprint, order.pk, adapt(expires), adapt(now)])
        return cursor.fetchone() is not None


def _rate(shop: Shop, product: Product):
    """The price this order is charged at. When the route's cost rose above what the shop was
    last told, its panel still sells at the old price: honour it, or refuse, as the shop's
    setting says."""
    now_rate = shop_rate(shop, product, product.own_rate)
    if now_rate is None:
        raise Refused(words.UNKNOWN_SERVICE)
    quoted = product.quoted
    if quoted is None or now_rate <= quoted:
        return now_rate
    if shop.price_change == Shop.PriceChange.REFUSE:
        raise Refused(words.PRICE_CHANGED)
    return quoted


def _link_busy(product: Product, link: str) -> bool:
    """An open order on this link of the product's kind, placed upstream or still waiting."""
    if open_overlaps(link, platform=product.platform, kind=product.kind, limit=1):
        return True
    waiting = ShopOrder.objects.filter(
        link_key=link_key(link), state=ShopOrder.State.ACCEPTED, product=product
    )
    return waiting.exists()
