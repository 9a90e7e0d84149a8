"""What the shops hold that a routing policy's page must know: a policy whose route a shop's
panel was quoted prices from is in use, and is not deleted from under it."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from compare.models import RoutingPolicy
from compare.routing import labels_policy
from compare.services.policies import policy_in_use
from providers.classify import Labels
from shops.models import Product, Quote


@receiver(policy_in_use)
def shops_quoted_by_policy(sender, policy, **kwargs) -> list[str]:
    if policy.group_id:
        products = Product.objects.filter(group_id=policy.group_id)
    else:
        products = Product.objects.filter(
            group__isnull=True, platform=policy.platform, kind=policy.kind
        )
        if policy.quality:
            products = products.filter(quality=policy.quality)
        if policy.geo:
            products = products.filter(geo=policy.geo)
    quotes = Quote.objects.filter(product__in=products, shop__enabled=True).select_related(
        "shop", "product"
    )
    shops_by_product = {}
    for quote in quotes.order_by("product__name", "shop__name"):
        shops_by_product.setdefault(quote.product, []).append(quote.shop.name)
    # Which labels policy governs each product, from the policies read once (not a query a
    # product: a labels policy may cover many).
    rivals = (
        []
        if policy.group_id
        else list(
            RoutingPolicy.objects.filter(
                group__isnull=True, platform=policy.platform, kind=policy.kind
            )
        )
    )
    return [
        _("shop {shops} sells {product} at prices from its route").format(
            shops=", ".join(shops), product=product.name
        )
        for product, shops in shops_by_product.items()
        if policy.group_id or _governs(policy, product, rivals)
    ]


def _governs(policy, product, rivals) -> bool:
    """A labels policy governs a product when no more specific policy fits it."""
    labels = Labels(
        platform=product.platform, kind=product.kind, quality=product.quality, geo=product.geo
    )
    chosen = labels_policy(labels, rivals)
    return chosen is not None and chosen.pk == policy.pk
