"""Buy: a product, a link and a quantity; smmdash picks the provider and says why."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from compare.models import ServiceGroup
from compare.routing import plan
from orders import services
from orders.forms import BuyForm
from orders.views.placing import waiting_for_workers
from smmdash.lib.access import PLACE_ORDERS, require
from smmdash.lib.htmx import render_page

place_required = require(PLACE_ORDERS)


@place_required
def buy(request):
    form = BuyForm(request.POST or request.GET or None)
    previewing = request.method == "GET" or (request.htmx and request.htmx.target == "buy-plan")
    chosen, overlaps = None, []
    if form.is_bound and _readable(form):
        chosen = plan(form.product, form.cleaned_data["quantity"])
    if request.method == "POST" and not previewing and form.is_valid():
        data = form.cleaned_data
        try:
            purchase = services.buy(
                form.product,
                link=data["link"],
                quantity=data["quantity"],
                user=request.user,
                form_token=data["form_token"],
                overlap_confirmed=data["confirm_overlap"],
                chosen=chosen,
            )
        except services.LinkHasOpenOrder as open_order:
            overlaps = open_order.overlaps
            form.add_error("link", str(open_order))
        except services.OrderActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            order = purchase.order
            if purchase.created and order.waiting_for_workers:
                messages.info(request, waiting_for_workers(order))
            elif purchase.created:
                messages.success(
                    request,
                    _("Order #{order_pk} is queued at {order_provider}.").format(
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
    if request.method == "GET" and form.is_bound:
        # A preview (from Compare, or the plan refreshing as the form is typed in) shows the
        # plan without telling off fields nobody has filled in yet.
        form = BuyForm(initial=request.GET.dict())
    context = {
        "form": form,
        "plan": chosen,
        "overlaps": overlaps,
        "groups": ServiceGroup.objects.values_list("name", flat=True),
    }
    return render_page(request, "orders/buy.html", context, partials={"buy-plan"})


def _readable(form) -> bool:
    """Whether the product and quantity can be planned for, whatever else is wrong yet."""
    form.is_valid()
    return form.product is not None and "quantity" in form.cleaned_data
