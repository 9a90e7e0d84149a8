"""Placing orders: the service search, the order form with its live cost, mass orders."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from orders import services
from orders.forms import MassOrderForm, OrderForm
from providers.catalog_filters import matching
from providers.models import Service
from smmdash.lib import params
from smmdash.lib.access import PLACE_ORDERS, require
from smmdash.lib.htmx import render_page

place_required = require(PLACE_ORDERS)
SEARCH_RESULTS = 30


@place_required
def new(request):
    """An order form for one cached service, or a search for the service to order."""
    service_pk = params.an_id(request.GET.get("service") or request.POST.get("service"))
    if service_pk is None:
        return _pick_service(request)
    service = get_object_or_404(Service.objects.select_related("provider"), pk=service_pk)
    initial = {"link": request.GET.get("link", ""), "quantity": request.GET.get("quantity")}
    form = OrderForm(service, request.POST or None, initial=initial)
    costing = request.htmx and request.htmx.target == "order-cost"
    overlaps = []
    if request.method == "POST" and not costing and form.is_valid():
        if not form.cleaned_data["confirm_overlap"]:
            overlaps = services.overlaps_of_service(
                service, form.cleaned_data["link"], form_token=form.cleaned_data["form_token"]
            )
        if overlaps:
            form.add_error(
                "link",
                _(
                    "This link already has {services}. Panels deliver "
                    "overlapping orders badly or not at all; tick below to order "
                    "it anyway."
                ).format(services=services.describe_overlaps(overlaps)),
            )
            return render_page(
                request, "orders/new.html", {**_cost_context(form), "overlaps": overlaps}
            )
        order, created = services.create_order(
            service,
            link=form.cleaned_data["link"],
            quantity=form.quantity,
            extra=form.extra,
            user=request.user,
            form_token=form.cleaned_data["form_token"],
        )
        if created and order.waiting_for_workers:
            messages.info(request, waiting_for_workers(order))
        elif created:
            messages.success(
                request,
                _("Order #{order_pk} is queued and being sent to {order_provider}.").format(
                    order_pk=order.pk, order_provider=order.provider
                ),
            )
        else:
            messages.info(
                request,
                _("This form was already sent: it made order #{order_pk}.").format(
                    order_pk=order.pk
                ),
            )
        return redirect("orders:detail", pk=order.pk)
    if costing:
        form.is_valid()  # works out the quantity and extras the cost depends on
    return render_page(request, "orders/new.html", _cost_context(form), partials={"order-cost"})


def waiting_for_workers(order) -> str:
    """The order is recorded but its send could not be queued: the order page says the rest."""
    return _("Order #{order_pk} is recorded and queued.").format(order_pk=order.pk)


def _cost_context(form):
    quoted = services.quote(form.service, *form.to_price())
    return {
        **vars(quoted),
        "quote": quoted,
        "link": form["link"].value() or "",
        "form": form,
        "provider": form.service.provider,
    }


def _pick_service(request):
    text = request.GET.get("q", "").strip()
    found = Service.objects.none()
    if text:
        found = (
            Service.objects.select_related("provider")
            .filter(active=True, provider__enabled=True)
            .filter(matching(text))
            .order_by("rate", "pk")[:SEARCH_RESULTS]
        )
    context = {"q": text, "found": found, "searched": bool(text)}
    return render_page(request, "orders/pick_service.html", context, partials={"service-results"})


@place_required
def mass(request):
    form = MassOrderForm(request.POST or None, request.FILES or None)
    report, readings = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        readings = form.readings
        report = services.place_mass_order(
            data["provider"],
            [line for reading in readings for line in reading.lines],
            user=request.user,
            form_token=data["form_token"],
            overlaps_confirmed=data["confirm_overlaps"],
        )
        # The lines that were not ordered come back in the box, to be fixed and sent again.
        unsent = services.as_written([line for line in report if line.error])
        form = MassOrderForm(initial={"provider": data["provider"], "lines": unsent})
    context = {
        "form": form,
        "report": report,
        "readings": [reading.described() for reading in readings],
        "placed": [line for line in report or [] if line.order],
        "failed": [line for line in report or [] if line.error],
        "waiting_for_workers": any(
            line.created and line.order.waiting_for_workers for line in report or []
        ),
    }
    return render(request, "orders/mass.html", context)
