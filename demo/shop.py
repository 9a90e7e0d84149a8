"""The demo's shop: a reseller's panel that buys through /api/v2 over HTTP, as any panel
script would (smmdash's own PanelClient, the shop's key): it reads its balance and the
services, adds a few orders and reads their status, so the dashboard shows shop orders from
the first start.

setup_demo runs before the web server does, so it serves smmdash for the shop's panel itself,
for those few calls, on a free loopback port (`serving_smmdash`); `manage.py play_shop` plays
the same part against a running server.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from demo.links import demo_link
from panel import PanelClient, ProviderError
from shops import services
from shops.models import Product, Shop

DEMO_SHOP = "Demo reseller panel"
CREDIT = Decimal(100)
ORDERS = 3
QUANTITY = 1000


@dataclass
class Played:
    balance: Decimal | None = None
    services: int = 0
    placed: list[str] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)  # shop order id -> the panel's word
    refused: list[str] = field(default_factory=list)


def set_up_shop(user, report=print) -> str:
    """The demo shop with a fresh key (printed by setup_demo: keys are shown once), and its
    first orders, placed by its panel over HTTP. Returns the key."""
    available = services.price_products()
    shop = Shop.objects.filter(name=DEMO_SHOP).first()
    if shop is None:
        shop, key = services.create_shop(DEMO_SHOP, credit=CREDIT, user=user)
    else:
        key = services.rotate_key(shop)
    if not shop.orders.exists():
        with serving_smmdash() as api_url:
            played = play_shop(api_url, key, report=report)
        # The worker's part, done now so that they are placed upstream from the first start
        # (the queued route tasks then find them placed and do nothing).
        for shop_order_id in played.placed:
            services.route(int(shop_order_id))
        report(
            f"Demo shop: {available} products for sale; its panel placed "
            f"{len(played.placed)} orders through /api/v2"
        )
    return key


def play_shop(api_url: str, key: str, count=ORDERS, report=print) -> Played:
    """Be the shop's panel: balance, services, `count` adds of the cheapest services that take
    QUANTITY, then their status, over HTTP. A refusal is reported, never raised."""
    played = Played()
    with PanelClient(api_url, key, allow_private_hosts=True, retries=0) as panel:
        try:
            played.balance = panel.balance().amount
            catalog = [s for s in panel.services() if s.min <= QUANTITY <= s.max]
        except ProviderError as error:
            report(f"The demo shop's panel could not read {api_url}: {error}")
            return played
        played.services = len(catalog)
        cheapest = sorted(catalog, key=lambda service: (service.rate, int(service.service_id)))
        products = Product.objects.in_bulk([int(s.service_id) for s in cheapest[:count]])
        for number, service in enumerate(cheapest[:count]):
            product = products.get(int(service.service_id), Product())
            link = demo_link(product, f"shop-{number}")
            try:
                played.placed.append(panel.add_order(service.service_id, link, QUANTITY))
            except ProviderError as refused:
                played.refused.append(str(refused))
        if played.placed:
            answers = panel.statuses(played.placed)
            played.statuses = {
                order_id: getattr(answer, "raw_status", str(answer))
                for order_id, answer in answers.items()
            }
    return played


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serving_smmdash():
    """smmdash's WSGI application on a free loopback port, served by runserver's threaded
    server (each request's thread closes its database connections); yields /api/v2's URL."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _Quiet)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
