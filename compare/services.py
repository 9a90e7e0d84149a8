"""Curated groups of equivalent services, and failover to an equivalent elsewhere.

Views, admin actions and commands call these functions and nothing else.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from rapidfuzz import fuzz, process

from compare.models import GroupMember, ServiceGroup
from compare.search import Criteria, Offer, compare
from providers.classify import describe
from providers.models import Service

log = logging.getLogger("smmdash.compare")

SUGGESTIONS = 15
SUGGESTION_FLOOR = 50  # similarity (0-100) below which a service is not worth suggesting


class GroupProblem(Exception):
    """A change to a group that cannot be made, in words for staff."""


# Curated groups ------------------------------------------------------------------------------


def create_group(
    name: str, *, platform="", kind="", note="", seed: Service | None = None, user=None
) -> ServiceGroup:
    """A new group, with `seed` as its first member (moved out of any group it was in)."""
    name = name.strip()
    if not name:
        raise GroupProblem("A group needs a name.")
    if ServiceGroup.objects.filter(name__iexact=name).exists():
        raise GroupProblem(f"There is already a group named {name!r}.")
    with transaction.atomic():
        group = ServiceGroup.objects.create(
            name=name,
            platform=platform or (seed.platform if seed else ""),
            kind=kind or (seed.kind if seed else ""),
            note=note,
            created_by=user,
        )
        if seed is not None:
            pin(group, [seed], user=user)
    return group


def pin(group: ServiceGroup, services, user=None) -> int:
    """Make `services` members of `group`, moving them out of any other group; returns how
    many joined. One statement to move, one to add, whatever the count."""
    pks = [service.pk for service in services]
    with transaction.atomic():
        GroupMember.objects.filter(service_id__in=pks).exclude(group=group).delete()
        present = set(group.members.filter(service_id__in=pks).values_list("service_id", flat=True))
        new = [
            GroupMember(group=group, service_id=pk, added_by=user)
            for pk in pks
            if pk not in present
        ]
        try:
            GroupMember.objects.bulk_create(new)
        except IntegrityError:
            raise GroupProblem("Another change to these services came first; try again.") from None
    return len(new)


def unpin(group: ServiceGroup, services) -> int:
    deleted, _ = group.members.filter(service__in=services).delete()
    return deleted


def members(group: ServiceGroup, quantity: int | None = None) -> list[Offer]:
    """The group's active members at enabled providers, priced, cheapest first."""
    return compare(Criteria(group=group, quantity=quantity)).offers


@dataclass
class Suggestion:
    service: Service
    score: int  # 0-100, how alike it is to the group's members


def suggestions(group: ServiceGroup, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Unpinned services that look like the group's members, most alike first.

    Candidates are the active services of the group's platform and kind. Each is compared by
    its description (platform, kind, quality, refill, geo, speed in English, whatever the
    panel's language) followed by its own name, against every member, and keeps its best
    score: rapidfuzz's token-set ratio, which ignores word order and repeated words.
    """
    references = [_comparable(service) for service in _member_services(group)]
    if not references:
        return []
    candidates = Service.objects.filter(active=True, pinned__isnull=True, provider__enabled=True)
    if group.platform:
        candidates = candidates.filter(platform=group.platform)
    if group.kind:
        candidates = candidates.filter(kind=group.kind)
    candidates = {service.pk: service for service in candidates.select_related("provider")[:5000]}
    choices = {pk: _comparable(service) for pk, service in candidates.items()}
    best: dict[int, float] = {}
    for reference in references:
        for _, score, pk in process.extract(
            reference,
            choices,
            scorer=fuzz.token_set_ratio,
            limit=limit,
            score_cutoff=SUGGESTION_FLOOR,
        ):
            best[pk] = max(best.get(pk, 0), score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], candidates[item[0]].rate))
    return [Suggestion(candidates[pk], round(score)) for pk, score in ranked[:limit]]


def _member_services(group):
    return [member.service for member in group.members.select_related("service")]


def _comparable(service: Service) -> str:
    return f"{describe(service.labels)} {service.name}".lower()


# Failover ------------------------------------------------------------------------------------


def order_problem(service: Service, quantity: int | None = None, cost=None) -> str | None:
    """Why an order of `service` would fail now, in words, or None when nothing says it would.

    `cost` is the order's cost in the provider's currency, when known.
    """
    provider = service.provider
    if not provider.enabled:
        return f"{provider.name} is disabled."
    if not service.active:
        return f"This service is no longer in {provider.name}'s catalog."
    level, words = provider.health
    if level == "bad":
        return f"{provider.name}: {words.lower()}."
    if cost is not None and provider.balance is not None and cost > provider.balance:
        return (
            f"{provider.name}'s balance ({provider.balance.normalize():f} {provider.currency}) "
            "does not cover this order."
        )
    if quantity is not None and not service.min <= quantity <= service.max:
        return f"{provider.name} takes {service.min}-{service.max} of this service."
    return None


def alternatives(service: Service, quantity: int | None = None, limit: int = 3) -> list[Offer]:
    """The cheapest equivalents of `service` at other providers that could take the order:
    healthy provider, quantity in range, and a balance that covers it when the balance is
    known. Equivalent means the service's curated group, or else the same labels."""
    criteria = Criteria(
        like=service, quantity=quantity, fits=bool(quantity), exclude_provider=service.provider
    )
    usable = [
        offer
        for offer in compare(criteria, limit=50).offers
        if offer.provider.health[0] != "bad" and offer.covers is not False
    ]
    return usable[:limit]
