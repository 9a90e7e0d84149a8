"""Curated groups of equivalent services, and failover to an equivalent elsewhere.

Views, admin actions and commands call these functions and nothing else.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from compare.models import GroupMember, ServiceGroup
from compare.search import Criteria, Offer, compare
from providers.models import Service
from smmdash.lib.numbers import amount_text, count_text
from smmdash.templatetags.ui import lowerfirst

log = logging.getLogger("smmdash.compare")

SUGGESTIONS = 15
SUGGESTION_FLOOR = 50  # similarity (0-100) below which a service is not worth suggesting
# How much each agreeing label counts, and the names' share of the score.
LABEL_WEIGHTS = {"quality": 0.35, "refill": 0.35, "geo": 0.2, "speed": 0.1}
NAME_WEIGHT = 0.25


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


@dataclass
class Suggestion:
    service: Service
    score: int  # 0-100, how alike it is to the group's members


def suggestions(group: ServiceGroup, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Unpinned services that look like the group's members, most alike first.

    Candidates are the active services of the group's platform and kind. Each is scored
    against every member and keeps its best score. Most of the score is how many labels agree
    (quality, refill, geo, speed: read in any language, so "Подписчики Instagram [Реальные]
    [Гарантия 30 дней]" agrees with "IG - Followers | Refill 30 days | Real"); the rest is
    how alike the names are, by rapidfuzz's token-set ratio, which ignores word order and
    repeated words and so breaks ties between services that agree.
    """
    references = _member_services(group)
    if not references:
        return []
    candidates = Service.objects.filter(active=True, pinned__isnull=True, provider__enabled=True)
    if group.platform:
        candidates = candidates.filter(platform=group.platform)
    if group.kind:
        candidates = candidates.filter(kind=group.kind)
    scored = []
    for service in candidates.select_related("provider")[:5000]:
        score = max(_likeness(service, member) for member in references)
        if score >= SUGGESTION_FLOOR:
            scored.append(Suggestion(service, round(score)))
    scored.sort(key=lambda suggestion: (-suggestion.score, suggestion.service.rate))
    return scored[:limit]


def _member_services(group):
    return [member.service for member in group.members.select_related("service")]


def _likeness(service: Service, other: Service) -> float:
    """0-100: how alike two services of one platform and kind are."""
    agree = {
        "quality": service.quality == other.quality,
        "geo": service.geo == other.geo,
        "refill": 1.0
        if (service.refill_in_name, service.refill_days)
        == (other.refill_in_name, other.refill_days)
        else 0.5
        if service.refill_in_name and other.refill_in_name
        else 0.0,
        # A speed one name leaves out neither agrees nor disagrees.
        "speed": service.speed == other.speed if service.speed and other.speed else 0.5,
    }
    labels = sum(LABEL_WEIGHTS[name] * float(value) for name, value in agree.items())
    names = fuzz.token_set_ratio(service.name.lower(), other.name.lower()) / 100
    return 100 * ((1 - NAME_WEIGHT) * labels + NAME_WEIGHT * names)


# Failover ------------------------------------------------------------------------------------


def order_problem(service: Service, quantity: int | None = None, cost=None) -> str | None:
    """Why an order of `service` would fail now, in words, or None when nothing says it would.
    In the active language: a page's reader's, or English in a worker, which keeps it in the
    order's routing note.

    `cost` is the order's cost in the provider's currency, when known.
    """
    provider = service.provider
    if not provider.enabled:
        return _("{provider} is disabled.").format(provider=provider.name)
    if not service.active:
        return _("This service is no longer in {provider}'s catalog.").format(
            provider=provider.name
        )
    level, words = provider.health
    if level == "bad":
        return _("{provider}: {health}.").format(provider=provider.name, health=lowerfirst(words))
    if cost is not None and provider.balance is not None and cost > provider.balance:
        return _("{provider}'s balance ({balance}) does not cover this order.").format(
            provider=provider.name, balance=amount_text(provider.balance, provider.currency)
        )
    if quantity is not None and not service.min <= quantity <= service.max:
        return _("{provider} takes {min} to {max} of this service.").format(
            provider=provider.name, min=count_text(service.min), max=count_text(service.max)
        )
    return None


def failover(service: Service, quantity: int | None, cost=None, refused_by_panel=False) -> dict:
    """What the order form and the order page show: why an order of `service` would fail
    ("problem", None when nothing says so) and the equivalents to order instead."""
    problem = order_problem(service, quantity, cost)
    if problem is None and refused_by_panel:
        problem = _("{provider} refused it.").format(provider=service.provider.name)
    if problem is None:
        return {"problem": None, "alternatives": []}
    return {"problem": problem, "alternatives": alternatives(service, quantity)}


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
