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
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.links import link_key
from orders.models import MAX_QUANTITY
from orders.services.overlaps import open_overlaps
from orders.validation import clean_link
from rates.money import expected_cost
from shops.models import Product, Quote, RepeatClaim, Shop, ShopOrder
from shops.services import words
from shops.services.catalog import allowed_products, overrides, shop_rate
from shops.services.ledger import NotEnoughCredit, charge
from shops.services.routing import ROUTE_SHOP_ORDER
from smmdash.lib.queue import queue

# Drip-feed fields, the only extras a routed (default-type) product takes, and their range.
DRIPFEED = {"runs": (1, 1000), "interval": (1, 10080)}


class Refused(Exception):
    """The add is refused; the message is the API's answer."""


@dataclass
class Accepted:
    shop_order_id: int
    repeated: bool


class _Repeat(Exception):
    pass


def accept(shop: Shop, fields) -> Accepted:
    product = _product(shop, fields.get("service"))
    quantity = _whole(fields.get("quantity"))
    if quantity is None:
        raise Refused(words.BAD_QUANTITY)
    link = (fields.get("link") or fields.get("url") or "").strip()
    extra = _extra(product, fields)
    fingerprint = _fingerprint(product, link, quantity, extra)
    now = timezone.now()
    first = _unexpired_claim(shop, fingerprint, now)
    if first is not None:
        return Accepted(first, True)
    if not product.min <= quantity <= product.max:
        raise Refused(words.QUANTITY_RANGE.format(min=product.min, max=product.max))
    try:
        link = clean_link(link)
    except ValidationError:
        raise Refused(words.BAD_LINK) from None
    if shop.same_link == Shop.SameLink.REFUSE and _link_busy(product, link):
        raise Refused(words.LINK_BUSY)
    rate = _rate(shop, product)
    runs = extra.get("runs", 1)
    order = ShopOrder(
        shop=shop,
        product=product,
        link=link,
        link_key=link_key(link),
        quantity=quantity,
        extra=extra,
        rate=rate,
        charge=expected_cost(rate, quantity, runs),
        cost=product.cost,
        created_at=now,
    )
    try:
        with transaction.atomic():
            order.save()
            _claim(shop, fingerprint, order, now)
            charge(shop.pk, order, order.charge)
            transaction.on_commit(partial(queue, ROUTE_SHOP_ORDER, order.pk))
    except _Repeat:
        return Accepted(_unexpired_claim(shop, fingerprint, now), True)
    except NotEnoughCredit:
        raise Refused(words.NO_CREDIT) from None
    return Accepted(order.pk, False)


def _product(shop: Shop, service) -> Product:
    product_id = _whole(service)
    product = allowed_products(shop).filter(pk=product_id).first() if product_id else None
    if product is None:
        raise Refused(words.UNKNOWN_SERVICE)
    return product


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


def _claim(shop, fingerprint, order, now):
    """Claim the request for `order`, or raise _Repeat when an unexpired claim has it. An
    expired claim is taken over by a conditional UPDATE: one of two racers wins it."""
    expires = now + timedelta(seconds=settings.SHOP_ADD_REPEAT_WINDOW)
    try:
        with transaction.atomic():
            RepeatClaim.objects.create(
                shop=shop, fingerprint=fingerprint, shop_order=order, expires_at=expires
            )
            return
    except IntegrityError:
        pass
    taken = RepeatClaim.objects.filter(
        shop=shop, fingerprint=fingerprint, expires_at__lte=now
    ).update(shop_order=order, expires_at=expires)
    if not taken:
        raise _Repeat


def _rate(shop: Shop, product: Product):
    """The price this order is charged at. When the route's cost rose above what the shop was
    last told, its panel still sells at the old price: honour it, or refuse, as the shop's
    setting says."""
    now_rate = shop_rate(shop, product, overrides(shop, [product.pk]).get(product.pk))
    if now_rate is None:
        raise Refused(words.UNKNOWN_SERVICE)
    quoted = Quote.objects.filter(shop=shop, product=product).values_list("rate", flat=True)
    quoted = quoted.first()
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
