"""The Shops pages: the list, one shop (its orders, money, margin and API calls), adding,
editing, deleting, its key (shown once) and its credit; and the API page shops' admins read."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shops import services
from shops.forms import NewShopForm, ShopForm, TopUpForm
from shops.models import ApiCall, Shop, ShopOrder
from shops.services import notes
from shops.services.figures import Figures, figures_of, last_days, margin_lines, shop_figures
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.numbers import amount_text

FEED_ROWS = 30
ORDER_ROWS = 50


@view_required
def index(request):
    shops = Shop.objects.annotate(order_count=Count("orders")).order_by("name")
    figures = figures_of(margin_lines(*last_days(30)))
    for shop in shops:
        shop.figures = figures.get(shop.pk, Figures())
    return render(request, "shops/index.html", {"shops": shops})


@view_required
def detail(request, pk, *, key=None):
    """One shop. Reading it changes nothing: orders show the status their upstream orders have
    now, and the API's status calls and the tick settle them."""
    shop = get_object_or_404(Shop, pk=pk)
    orders = list(
        services.followed(
            ShopOrder.objects.filter(shop=shop).select_related(
                "product",
                "order__provider",
                "order__next_attempt__provider",
                "order__next_attempt__next_attempt__provider",
            )
        )[:ORDER_ROWS]
    )
    for shop_order in orders:
        shop_order.upstream = services.newest_read(shop_order)
        shop_order.answer = services.shown_answer(shop_order)
        shop_order.status_label = notes.status_label(shop_order.answer.status)
        shop_order.shown_note = notes.shown(shop_order.note)
    ledger = list(shop.ledger.select_related("created_by")[:30])
    for entry in ledger:
        entry.shown_note = notes.shown(entry.note)
    context = {
        "shop": shop,
        "key": key,
        "orders": orders,
        "figures": shop_figures(shop),
        "ledger": ledger,
        "calls": _calls(shop),
        "top_up_form": TopUpForm(),
        "api_url": request.build_absolute_uri(reverse("shops_api")),
    }
    return render(request, "shops/detail.html", context)


def _calls(shop):
    return ApiCall.objects.filter(shop=shop)[:FEED_ROWS]


@view_required
def calls(request, pk):
    """The shop's feed of API calls alone, which its page asks for every 10 seconds."""
    shop = get_object_or_404(Shop.objects.only("pk"), pk=pk)
    context = {"shop": shop, "calls": _calls(shop)}
    return render(request, "shops/detail.html#shop-calls", context)


@require(MANAGE_PROVIDERS)
def new(request):
    form = NewShopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("name", "products", "credit")
        }
        shop, key = services.create_shop(
            form.cleaned_data["name"],
            credit=form.cleaned_data["credit"] or 0,
            user=request.user,
            **fields,
        )
        shop.products.set(form.cleaned_data["products"])
        return _with_key(request, shop, key)
    status = 400 if request.method == "POST" else 200
    return render(request, "shops/form.html", {"form": form, "shop": None}, status=status)


@require(MANAGE_PROVIDERS)
def edit(request, pk):
    shop = get_object_or_404(Shop, pk=pk)
    form = ShopForm(request.POST or None, instance=shop)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("{shop} saved.").format(shop=shop.name))
        return redirect("shops:detail", pk=shop.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "shops/form.html", {"form": form, "shop": shop}, status=status)


@require(MANAGE_PROVIDERS)
@require_POST
def delete(request, pk):
    shop = get_object_or_404(Shop, pk=pk)
    if shop.orders.exists() or shop.ledger.exists():
        Shop.objects.filter(pk=shop.pk).update(enabled=False)
        kept = _("{shop} has orders or credit history, which are kept: it is disabled instead.")
        messages.warning(request, kept.format(shop=shop.name))
        return redirect("shops:detail", pk=shop.pk)
    shop.delete()
    messages.success(request, _("{shop} deleted.").format(shop=shop.name))
    return redirect("shops:index")


@require(MANAGE_PROVIDERS)
@require_POST
def rotate_key(request, pk):
    shop = get_object_or_404(Shop, pk=pk)
    return _with_key(request, shop, services.rotate_key(shop))


def _with_key(request, shop, key):
    """The shop's page with its new key: in this answer only (never stored, never cached)."""
    response = detail(request, shop.pk, key=key)
    patch_cache_control(response, no_store=True)
    return response


@require(MANAGE_PROVIDERS)
@require_POST
def top_up(request, pk):
    shop = get_object_or_404(Shop, pk=pk)
    form = TopUpForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("shops:detail", pk=shop.pk)
    services.top_up(
        shop, form.cleaned_data["amount"], note=form.cleaned_data["note"], user=request.user
    )
    messages.success(
        request,
        _("{amount} added to {shop}'s credit.").format(
            amount=amount_text(form.cleaned_data["amount"], settings.BASE_CURRENCY),
            shop=shop.name,
        ),
    )
    return redirect("shops:detail", pk=shop.pk)


@view_required
def api_docs(request):
    context = {
        "api_url": request.build_absolute_uri(reverse("shops_api")),
        "currency": settings.BASE_CURRENCY,
        "repeat_minutes": settings.SHOP_ADD_REPEAT_WINDOW // 60,
        "status_words": [
            "Pending",
            "In progress",
            "Processing",
            "Completed",
            "Partial",
            "Canceled",
            "Refunded",
        ],
    }
    return render(request, "shops/api.html", context)
