"""Buying a product rather than a panel's service: smmdash picks the provider by the
product's routing policy (compare.routing), places the order there, and keeps the other
providers as the route the order fails over along should the panel refuse it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from compare.routing import Plan, Product, plan
from orders.models import Order
from orders.services.overlaps import describe_overlaps, open_overlaps
from orders.services.placing import OrderActionRefused, create_order, made_by_form
from smmdash.lib.numbers import count_text


class LinkHasOpenOrder(OrderActionRefused):
    """The link already has an open order of the same platform and kind: confirm first."""

    def __init__(self, overlaps):
        self.overlaps = overlaps
        super().__init__(
            f"This link already has {describe_overlaps(overlaps)}. Panels deliver overlapping "
            "orders badly or not at all; confirm to order it anyway."
        )


@dataclass
class Purchase:
    order: Order
    created: bool
    plan: Plan


def buy(
    product: Product,
    *,
    link: str,
    quantity: int,
    user=None,
    form_token=None,
    overlap_confirmed=False,
    chosen: Plan | None = None,
) -> Purchase:
    """Queue `quantity` of `product` for `link` at the provider its policy picks.

    Raises OrderActionRefused when no provider can take it, LinkHasOpenOrder when the link has
    an open order of the same platform and kind and staff have not confirmed.
    """
    chosen = chosen or plan(product, quantity)
    existing = made_by_form(form_token)
    if existing is not None:
        return Purchase(existing, False, chosen)
    if not chosen.choices:
        reasons = "; ".join(f"{offer.provider.name}: {why}" for offer, why in chosen.left_out[:5])
        refusal = (
            _("No provider can take {quantity} of {product} now ({reasons}).")
            if reasons
            else _("No provider can take {quantity} of {product} now: none of them sells it.")
        )
        raise OrderActionRefused(
            refusal.format(quantity=count_text(quantity), product=product.name, reasons=reasons)
        )
    if not overlap_confirmed:
        overlaps = open_overlaps(link, platform=product.platform, kind=product.kind)
        if overlaps:
            raise LinkHasOpenOrder(overlaps)
    first, *rest = chosen.choices
    order, created = create_order(
        first.service,
        link=link,
        quantity=quantity,
        user=user,
        form_token=form_token,
        route=[choice.service.pk for choice in rest],
        routing_note=f"{chosen.explained}. Chose {first.offer.provider.name}: {first.reason}"[:300],
    )
    return Purchase(order, created, chosen)
