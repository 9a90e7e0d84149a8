"""Routing policies as staff edit them on the Routing page: saving one, its providers in
order (added, moved up or down, taken out) and deleting one that nothing depends on.

What depends on a policy lives above this app (a shop quoted prices from its route): apps that
keep such things answer the `policy_in_use` signal, so this app never imports them.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from compare.models import PolicyProvider, RoutingPolicy
from compare.routing import Strategy

# Sent with `policy=`; each receiver answers a list of sentences saying what uses it.
policy_in_use = Signal()

UP, DOWN = "up", "down"


class PolicyProblem(ValueError):
    """A change to a policy that cannot be made; the message says why, for staff."""


@dataclass
class PolicyRow:
    policy: RoutingPolicy
    providers: list  # in the policy's order (the Providers in my order strategy)


def listed():
    """Every policy with its product and providers: a constant number of queries."""
    policies = RoutingPolicy.objects.select_related("group", "updated_by").prefetch_related(
        "ranks__provider"
    )
    rows = [
        PolicyRow(policy, [rank.provider for rank in policy.ranks.all()]) for policy in policies
    ]
    # Curated groups first (they win over labels), then by product name.
    return sorted(rows, key=lambda row: (row.policy.group_id is None, row.policy.product_name))


def save_policy(form, *, user) -> RoutingPolicy:
    """Save a valid RoutingPolicyForm, recording who changed it."""
    policy = form.save(commit=False)
    policy.updated_by = user
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        raise PolicyProblem(_("That product has a policy already: edit that one.")) from None
    return policy


def ranks(policy):
    return list(policy.ranks.select_related("provider"))


def add_provider(policy, provider, *, user):
    """Put `provider` last in the policy's order."""
    with transaction.atomic():
        _lock(policy, user)
        if policy.ranks.filter(provider=provider).exists():
            raise PolicyProblem(
                _("{provider} is in the list already.").format(provider=provider.name)
            )
        last = policy.ranks.aggregate(last=Max("position"))["last"] or 0
        PolicyProvider.objects.create(policy=policy, provider=provider, position=last + 1)


def move_provider(policy, rank_pk, direction, *, user) -> bool:
    """Swap a provider with the one above (UP) or below (DOWN); False when it is at that end
    already or no longer in the list (another tab took it out)."""
    with transaction.atomic():
        _lock(policy, user)
        order = _renumbered(policy)
        at = next((n for n, rank in enumerate(order) if rank.pk == rank_pk), None)
        if at is None:
            return False
        other = at - 1 if direction == UP else at + 1
        if not 0 <= other < len(order):
            return False
        order[at].position, order[other].position = order[other].position, order[at].position
        PolicyProvider.objects.bulk_update([order[at], order[other]], ["position"])
        return True


def remove_provider(policy, rank_pk, *, user) -> bool:
    with transaction.atomic():
        _lock(policy, user)
        removed, _kinds = policy.ranks.filter(pk=rank_pk).delete()
        _renumbered(policy)
        return bool(removed)


def uses(policy) -> list[str]:
    """What depends on the policy, in words: empty when it can go."""
    found = []
    for _receiver, answer in policy_in_use.send(sender=RoutingPolicy, policy=policy):
        found.extend(answer or [])
    return found


def delete_policy(policy):
    """Delete the policy (its product goes by the default, best value, from then on) unless
    something uses it."""
    in_use = uses(policy)
    if in_use:
        raise PolicyProblem(
            _("This policy is in use, so it was not deleted: {uses}.").format(
                uses="; ".join(in_use)
            )
        )
    policy.delete()


def strategy_note(policy) -> str:
    """What the list of providers means under the policy's strategy."""
    if policy.strategy == Strategy.PRIORITY:
        return _("Orders go to the first provider that can take them, then down the list.")
    return _(
        "This list is used only with “Providers in my order”: this policy ranks every provider "
        "by itself."
    )


def _lock(policy, user):
    """Hold the policy's row, so two people reordering at once take turns, and note who."""
    RoutingPolicy.objects.select_for_update().filter(pk=policy.pk).update(
        updated_by=user, updated_at=timezone.now()
    )


def _renumbered(policy):
    """The ranks numbered 1, 2, 3... in their order (positions typed in the admin may repeat)."""
    order = list(policy.ranks.order_by("position", "pk"))
    changed = []
    for number, rank in enumerate(order, start=1):
        if rank.position != number:
            rank.position = number
            changed.append(rank)
    PolicyProvider.objects.bulk_update(changed, ["position"])
    return order
