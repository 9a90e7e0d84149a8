"""Celery tasks: thin callers of shops.services. They take ids, never keys."""

from celery import shared_task

from shops import services


# A worker that dies before linking the order leaves the shop order accepted: the tick
# queues it again, and the upstream order's form token makes that harmless.
@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def route_shop_order(shop_order_id):
    services.route(shop_order_id)


@shared_task(time_limit=120, soft_time_limit=100)
def ask_panel(action, pk):
    services.ask_panel(action, pk)


@shared_task
def tick():
    services.tick()


@shared_task(time_limit=300, soft_time_limit=270)
def price_products():
    services.price_products()
