"""The same-link guard: an order for a link that already has an open order of the same
platform and kind, at any provider, is placed only once staff confirm it. Panels under-deliver
or swallow overlapping orders, and the second one is paid for all the same."""

from orders.links import link_key
from orders.models import STILL_MOVING, Order

# Open, or possibly open: an order whose answer was lost may well be running.
OVERLAPPING = STILL_MOVING | {Order.Status.UNKNOWN}


def open_overlaps(link: str, *, platform: str = "", kind: str = "", service=None, limit=5):
    """Open orders on the same link for the same platform and kind (or, for a service smmdash
    could not label, the same service): the newest `limit`."""
    orders = Order.objects.filter(link_key=link_key(link), status__in=OVERLAPPING)
    if platform and kind:
        orders = orders.filter(service__platform=platform, service__kind=kind)
    elif service is not None:
        orders = orders.filter(service=service)
    else:
        return []
    return list(orders.select_related("provider").order_by("-created_at")[:limit])


def overlaps_of_service(service, link: str, *, form_token=None, limit=5):
    """Open orders that overlap an order of `service` for `link`; none when this form already
    made its order (sent twice, it finds that order rather than a warning)."""
    orders = open_overlaps(
        link, platform=service.platform, kind=service.kind, service=service, limit=limit
    )
    return [order for order in orders if not form_token or order.form_token != form_token]


def describe_overlaps(orders) -> str:
    """ "order #12 at smmbros (In progress)", in words for a warning."""
    return ", ".join(
        f"order #{order.pk} at {order.provider.name} ({order.get_status_display()})"
        for order in orders
    )
