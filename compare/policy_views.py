"""The Routing page: routing policies listed, added, edited (their providers in order, moved
with arrows that work with or without htmx) and deleted when nothing uses them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compare.forms import PolicyProviderForm, RoutingPolicyForm
from compare.models import RoutingPolicy
from compare.services import policies
from smmdash.lib import params
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.htmx import render_page

manage_required = require(MANAGE_PROVIDERS)


@view_required
def index(request):
    return render(request, "compare/policies.html", {"rows": policies.listed()})


@manage_required
def new(request):
    form = RoutingPolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved:
            return saved
    return render(request, "compare/policy.html", {"form": form, "policy": None})


@view_required
def policy(request, pk):
    chosen = get_object_or_404(RoutingPolicy.objects.select_related("group"), pk=pk)
    form = RoutingPolicyForm(request.POST or None, instance=chosen)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE_PROVIDERS):
            raise PermissionDenied
        saved = form.is_valid() and _save(request, form)
        if saved:
            return saved
    return render_page(request, "compare/policy.html", _context(chosen, form))


def _save(request, form):
    """Save the policy and go to its page; None (the form says why) when it cannot be."""
    try:
        saved = policies.save_policy(form, user=request.user)
    except policies.PolicyProblem as problem:
        form.add_error(None, str(problem))
        return None
    messages.success(request, _("Policy for {product} saved.").format(product=saved.product_name))
    return redirect("compare:policy", pk=saved.pk)


@manage_required
@require_POST
def providers(request, pk):
    """Add, move or take out one provider of the policy's order; htmx gets the list back."""
    chosen = get_object_or_404(RoutingPolicy, pk=pk)
    action = request.POST.get("action", "")
    rank_pk = params.an_id(request.POST.get("rank"))
    adding = None
    if action == "add":
        adding = PolicyProviderForm(chosen, request.POST)
        if adding.is_valid():
            try:
                policies.add_provider(chosen, adding.cleaned_data["provider"], user=request.user)
            except policies.PolicyProblem as problem:
                adding.add_error("provider", str(problem))
            else:
                adding = None
    elif action in (policies.UP, policies.DOWN) and rank_pk:
        policies.move_provider(chosen, rank_pk, action, user=request.user)
    elif action == "remove" and rank_pk:
        policies.remove_provider(chosen, rank_pk, user=request.user)
    if request.htmx:
        context = _context(chosen, RoutingPolicyForm(instance=chosen), adding)
        return render_page(request, "compare/policy.html", context, partials={"policy-providers"})
    if adding is not None and adding.errors:
        for error in adding.errors.get("provider", []):
            messages.error(request, error)
    return redirect("compare:policy", pk=chosen.pk)


@manage_required
@require_POST
def delete(request, pk):
    chosen = get_object_or_404(RoutingPolicy.objects.select_related("group"), pk=pk)
    try:
        policies.delete_policy(chosen)
    except policies.PolicyProblem as problem:
        messages.error(request, str(problem))
        return redirect("compare:policy", pk=chosen.pk)
    messages.success(
        request,
        _("Policy for {product} deleted: it goes by the default, best value, now.").format(
            product=chosen.product_name
        ),
    )
    return redirect("compare:policies")


def _context(chosen, form, adding=None):
    return {
        "policy": chosen,
        "form": form,
        "ranks": policies.ranks(chosen),
        "adding": adding or PolicyProviderForm(chosen),
        "note": policies.strategy_note(chosen),
        "uses": policies.uses(chosen),
    }
