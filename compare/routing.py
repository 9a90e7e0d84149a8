"""Which provider to buy a product from, and which next should it refuse: routing policies.

A product is what staff want, not a panel's service: a curated group, or the labels Compare
reads from words ("instagram followers real"). `plan` lists the product's offers that could
take the order, one per provider (its best service there), in the order the product's policy
says, each with the reason in words, and the offers it left out with why. Buying places the
order at the first and keeps the rest as the route to fail over along.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from compare.models import RoutingPolicy, ServiceGroup
from compare.search import Criteria, Offer, compare
from compare.value import value_key, why_not_buyable
from panel.order_types import service_type
from providers.classify import Labels, classify, describe
from smmdash.lib.numbers import rate_text

CANDIDATES = 200  # offers read per product, cheapest first (then ranked by the policy)
Strategy = RoutingPolicy.Strategy


class ProductNotUnderstood(ValueError):
    """The words name no product smmdash can route; the message says what to type."""


@dataclass(frozen=True)
class Product:
    group: ServiceGroup | None = None
    labels: Labels = field(default_factory=Labels)
    words: str = ""  # as staff wrote them, which Compare reads to the same labels

    @classmethod
    def from_words(cls, words: str) -> "Product":
        """A curated group by its name, or labels read from the words."""
        words = (words or "").strip()
        if not words:
            raise ProductNotUnderstood(
                _("Name the product: a curated group or words like “instagram followers real”.")
            )
        group = ServiceGroup.objects.filter(name__iexact=words).first()
        if group is not None:
            return cls(group=group)
        labels = classify(words)
        if not (labels.platform and labels.kind):
            raise ProductNotUnderstood(
                _(
                    "“{words}” names no curated group, and smmdash cannot tell its platform and "
                    "kind: write it like “instagram followers” or “tiktok views real”."
                ).format(words=words[:80])
            )
        return cls(labels=labels, words=words)

    @property
    def name(self) -> str:
        return self.group.name if self.group else describe(self.labels)

    @property
    def platform(self) -> str:
        return self.group.platform if self.group else self.labels.platform

    @property
    def kind(self) -> str:
        return self.group.kind if self.group else self.labels.kind

    def criteria(self, quantity: int | None) -> Criteria:
        """Compare's search for this product (offers that cannot take `quantity` included, so
        a plan can say why it left them out)."""
        if self.group is not None:
            return Criteria(group=self.group, quantity=quantity)
        return Criteria(text=self.words, quantity=quantity)

    def policy(self) -> RoutingPolicy | None:
        """The product's policy: its group's, or the most specific one of its labels."""
        if self.group is not None:
            return RoutingPolicy.objects.filter(group=self.group).first()
        labels = self.labels
        candidates = RoutingPolicy.objects.filter(
            Q(quality=labels.quality) | Q(quality=""),
            Q(geo=labels.geo) | Q(geo=""),
            group__isnull=True,
            platform=labels.platform,
            kind=labels.kind,
        )
        return labels_policy(labels, candidates)


def labels_policy(labels: Labels, policies) -> RoutingPolicy | None:
    """The most specific of `policies` (labels policies) that fits `labels`: a caller asking
    for many products reads the policies once."""
    fitting = [
        policy
        for policy in policies
        if policy.group_id is None
        and (policy.platform, policy.kind) == (labels.platform, labels.kind)
        and policy.quality in ("", labels.quality)
        and policy.geo in ("", labels.geo)
    ]
    return max(fitting, key=lambda policy: (bool(policy.quality), bool(policy.geo)), default=None)


@dataclass
class Choice:
    offer: Offer
    reason: str

    @property
    def service(self):
        return self.offer.service


@dataclass
class Plan:
    product: Product
    strategy: str
    policy: RoutingPolicy | None
    choices: list[Choice]
    left_out: list[tuple[Offer, str]]

    @property
    def not_connecting(self) -> list:
        """The providers left out because their panel could not be connected to, once each."""
        found = {}
        for offer, _why in self.left_out:
            if offer.provider.not_connecting_since is not None:
                found.setdefault(offer.provider.pk, offer.provider)
        return list(found.values())

    @property
    def explained(self) -> str:
        explained = (
            _("{product}: {strategy}, by its policy")
            if self.policy
            else _("{product}: {strategy}, by the default policy")
        )
        return explained.format(
            product=self.product.name, strategy=Strategy(self.strategy).label.lower()
        )


def plan(product: Product, quantity: int) -> Plan:
    """The providers to try for `quantity` of `product`, best first, and those left out."""
    policy = product.policy()
    strategy = policy.strategy if policy else Strategy.BEST_VALUE
    offers = compare(product.criteria(quantity), limit=CANDIDATES, history=False).offers
    left_out, usable = [], []
    for offer in offers:
        why = _unusable(offer)
        (left_out.append((offer, why)) if why else usable.append(offer))
    if strategy == Strategy.PRIORITY:
        ranks = {rank.provider_id: rank.position for rank in policy.ranks.all()}
        for offer in usable:
            if offer.provider.pk not in ranks:
                why = _("{provider} is not in the policy's list").format(
                    provider=offer.provider.name
                )
                left_out.append((offer, why))
        usable = [offer for offer in usable if offer.provider.pk in ranks]
        usable.sort(key=lambda offer: (ranks[offer.provider.pk], *_cheapest(offer)))
    elif strategy == Strategy.CHEAPEST:
        usable.sort(key=_cheapest)
    else:
        usable.sort(key=value_key)
    choices, seen = [], set()
    for offer in usable:
        if offer.provider.pk in seen:
            continue  # one service per provider: failing over means trying another panel
        seen.add(offer.provider.pk)
        choices.append(Choice(offer, _reason(offer, strategy, len(choices) + 1)))
    return Plan(product, strategy, policy, choices, left_out)


def _unusable(offer: Offer) -> str:
    kind = service_type(offer.service.type)
    if kind.fields or not kind.sends_quantity:
        return _("a {service_type} service needs more than a link and a quantity").format(
            service_type=offer.service.type
        )
    return why_not_buyable(offer)


def _cheapest(offer: Offer):
    return (offer.rate_in_base, offer.service.pk)


def _reason(offer: Offer, strategy: str, position: int) -> str:
    record = offer.record.why
    if strategy == Strategy.PRIORITY:
        return _("number {position} in the policy's list; {record}").format(
            position=position, record=record
        )
    if strategy == Strategy.CHEAPEST:
        return _("{rate} per 1000; {record}").format(
            rate=rate_text(offer.rate_in_base, settings.BASE_CURRENCY), record=record
        )
    return _("{rate} per 1000 delivered; {record}").format(
        rate=rate_text(offer.value, settings.BASE_CURRENCY), record=record
    )
