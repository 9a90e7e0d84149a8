"""The demo's shop: a reseller's panel that buys through /api/v2, with a few orders placed the
way its panel would place them, so the dashboard shows shop orders from the first start."""

from decimal import Decimal

from demo.links import demo_link
from shops import services
from shops.models import Product, Shop

DEMO_SHOP = "Demo reseller panel"
CREDIT = Decimal(100)
ORDERS = 3
QUANTITY = 1000


def set_up_shop(user, report=print) -> str:
    """The demo shop with a fresh key (printed by setup_demo: keys are shown once), and its
    first orders. Returns the key."""
    available = services.price_products()
    shop = Shop.objects.filter(name=DEMO_SHOP).first()
    if shop is None:
        shop, key = services.create_shop(DEMO_SHOP, credit=CREDIT, user=user)
    else:
        key = services.rotate_key(shop)
    if not shop.orders.exists():
        placed = play_shop(shop)
        report(f"Demo shop: {available} products for sale, {placed} orders placed by the shop")
    return key


def play_shop(shop: Shop, count=ORDERS) -> int:
    """Place `count` orders as the shop's panel would (add, then a worker routes them)."""
    products = Product.objects.filter(available=True, min__lte=QUANTITY, max__gte=QUANTITY)
    placed = 0
    for number, product in enumerate(products.order_by("cost", "pk")[:count]):
        fields = {
            "service": str(product.pk),
            "link": demo_link(product, f"shop-{number}"),
            "quantity": str(QUANTITY),
        }
        try:
            accepted = services.accept(shop, fields)
        except services.Refused:
            continue
        services.route(accepted.shop_order_id)
        placed += 1
    return placed
