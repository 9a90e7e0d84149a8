"""The same-link guard: an order for a link that already has an open order of the same
platform and kind, at any provider, is placed only once staff confirm it. Panels under-deliver
or swallow overlapping orders, and the second one is paid for all the same."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.links import link_key
from orders.models import STILL_MOVING, Order

# Open, or possibly open: an order whose answer was lost may well be running.
OVERLAPPING = STILL_MOVING | {Order.Status.UNKNOWN}


def same_kind(platform: str, kind: str, service_id=None):
    """What makes two orders on one link overlap: the same platform and kind, or, for a
    service smmdash could not label, the same service."""
    return (platform, kind) if platform and kind else service_id


def open_overlaps(link: str, *, platform: str = "", kind: str = "", service=None, limit=5):
    """Open orders on the same link of the same kind (as `same_kind` says, asked of the
    database): the newest `limit`."""
    orders = Order.objects.filter(link_key=link_key(link), status__in=OVERLAPPING)
    if platform and kind:
        orders = orders.filter(service__platform=platform, service__kind=kind)
    elif service is not None:
        orders = orders.filter(service=service)
    else:
        return []
    return list(orders.select_related("provider").order_by("-created_at")[:limit])


class OverlapGuard:
    """The guard for many orders at once (a mass order): the open orders on all their links,
    read in one query, and each order placed since, so that two lines on one link overlap
    too."""

    def __init__(self, lines, *, confirmed):
        self.confirmed = confirmed
        keys = {link_key(line.fields[1]) for line in lines if len(line.fields) == 3}
        self.open = {}
        if not confirmed and keys:
            found = Order.objects.filter(link_key__in=keys, status__in=OVERLAPPING).values_list(
                "pk", "link_key", "service__platform", "service__kind", "service_id"
            )
            for pk, key, platform, kind, service_id in found:
                self.open.setdefault((key, same_kind(platform, kind, service_id)), pk)

    def check(self, link, platform, kind, service=None):
        """Raise ValidationError, in words for the line's report, if `link` overlaps."""
        if self.confirmed:
            return
        key = (link_key(link), same_kind(platform, kind, service.pk if service else None))
        if key in self.open:
            raise ValidationError(
                _(
                    "This link already has an open order (#{order_pk}) of the same "
                    "kind: not ordered. Tick “order lines whose link has an open "
                    "order” to order it."
                ).format(order_pk=self.open[key])
            )

    def placed(self, order):
        service = order.service
        key = (order.link_key, same_kind(service.platform, service.kind, service.pk))
        self.open.setdefault(key, order.pk)


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
