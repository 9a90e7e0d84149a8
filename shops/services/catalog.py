"""What shops buy: products (each curated group, and each class of equivalent services that at
least one healthy offer sells), priced from the route their policy would take now, and each
shop's price for them.

Pricing a product plans its route (compare.routing.plan), which reads Compare's offers and
their records: too much for every `services` call, so beat prices every product every
SHOP_PRICING_SECONDS and the API reads the rows.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone, translation

from compare.models import ServiceGroup
from compare.routing import Plan, plan
from compare.routing import Product as Routable
from providers.classify import PLATFORMS, Labels, describe, label_of
from providers.models import Service
from shops.models import Product, ProductPrice, Quote, Shop

PRICE_FIELDS = ("available", "cost", "min", "max", "refill", "cancel", "dripfeed", "priced_at")


def routable(product: Product) -> Routable | None:
    """The product as routing reads it; None for a curated group that was deleted."""
    if product.key.startswith("group:"):
        return Routable(group=product.group) if product.group_id else None
    labels = Labels(
        platform=product.platform, kind=product.kind, quality=product.quality, geo=product.geo
    )
    with translation.override("en"):
        words = describe(labels)
    return Routable(labels=labels, words=words)


def route_plan(product: Product, quantity: int | None) -> Plan | None:
    routing = routable(product)
    return plan(routing, quantity) if routing is not None else None


def _category(platform: str) -> str:
    with translation.override("en"):
        return label_of(PLATFORMS, platform) or "Other"


def _class_name(platform, kind, quality, geo) -> str:
    with translation.override("en"):
        return describe(Labels(platform=platform, kind=kind, quality=quality, geo=geo))


def ensure_products() -> int:
    """A row for every curated group and every class of labelled services; returns how many
    were new. Rows are never deleted, so a product keeps its id."""
    wanted = {}
    for group in ServiceGroup.objects.all():
        wanted[f"group:{group.pk}"] = Product(
            key=f"group:{group.pk}",
            group=group,
            platform=group.platform,
            kind=group.kind,
            name=group.name[:200],
            category=_category(group.platform),
        )
    classes = (
        Service.objects.filter(active=True, provider__enabled=True, pinned__isnull=True)
        .exclude(platform="")
        .exclude(kind="")
        .values_list("platform", "kind", "quality", "geo")
        .distinct()
    )
    for platform, kind, quality, geo in classes:
        key = f"labels:{platform}/{kind}/{quality}/{geo}"
        wanted[key] = Product(
            key=key,
            platform=platform,
            kind=kind,
            quality=quality,
            geo=geo,
            name=_class_name(platform, kind, quality, geo)[:200],
            category=_category(platform),
        )
    known = set(Product.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    new = [product for key, product in wanted.items() if key not in known]
    Product.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def price_products(now=None) -> int:
    """Price every product from the route its policy takes now; returns how many are for
    sale. A product whose route has no healthy offer is not for sale until one comes back."""
    now = now or timezone.now()
    ensure_products()
    products = list(Product.objects.select_related("group"))
    for product in products:
        _price(product, route_plan(product, None), now)
    with transaction.atomic():
        Product.objects.bulk_update(products, PRICE_FIELDS, batch_size=500)
    return sum(product.available for product in products)


def _price(product: Product, chosen: Plan | None, now):
    product.priced_at = now
    choices = [c for c in (chosen.choices if chosen else []) if c.offer.rate_in_base is not None]
    if not choices:
        product.available, product.cost = False, None
        return
    first = choices[0].service
    product.available = True
    product.cost = choices[0].offer.rate_in_base
    product.min = min(choice.service.min for choice in choices)
    product.max = max(choice.service.max for choice in choices)
    product.refill = bool(first.offers_refill)
    product.cancel = bool(first.cancel)
    product.dripfeed = first.dripfeed


def round_up(amount: Decimal, step: Decimal) -> Decimal:
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def shop_rate(shop: Shop, product: Product, override: Decimal | None = None) -> Decimal | None:
    """The shop's price per 1000: the manager's own, or the route's cost with the markup,
    rounded up to the shop's step, never under the cost plus the minimum margin."""
    if override is not None:
        return override
    if product.cost is None:
        return None
    marked_up = product.cost * (1 + shop.markup_percent / 100)
    floor = product.cost + shop.min_margin
    return round_up(max(marked_up, floor), shop.price_step).normalize()


def allowed_products(shop: Shop):
    products = Product.objects.filter(available=True)
    if not shop.all_products:
        products = products.filter(pk__in=shop.products.values("pk"))
    return products


def overrides(shop: Shop, product_ids=None) -> dict[int, Decimal]:
    prices = ProductPrice.objects.filter(shop=shop)
    if product_ids is not None:
        prices = prices.filter(product_id__in=product_ids)
    return dict(prices.values_list("product_id", "rate"))


@dataclass
class Listed:
    product: Product
    rate: Decimal


def catalog_for(shop: Shop) -> list[Listed]:
    """The products `shop` may buy now, at its prices (three queries)."""
    own = overrides(shop)
    listed = []
    for product in allowed_products(shop).order_by("category", "name", "pk"):
        rate = shop_rate(shop, product, own.get(product.pk))
        if rate is not None:
            listed.append(Listed(product, rate))
    return listed


def remember_quotes(shop: Shop, listed: list[Listed], now=None) -> int:
    """Keep the prices `shop` was just told, writing only those that changed."""
    now = now or timezone.now()
    told = dict(Quote.objects.filter(shop=shop).values_list("product_id", "rate"))
    changed = [
        Quote(shop=shop, product=item.product, rate=item.rate, quoted_at=now)
        for item in listed
        if told.get(item.product.pk) != item.rate
    ]
    if changed:
        Quote.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["shop", "product"],
            update_fields=["rate", "quoted_at"],
        )
    return len(changed)
