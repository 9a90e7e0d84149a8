"""Mass orders: many `service_id | link | quantity` lines for one provider, or
`product | link | quantity` lines each routed by its product's policy, each on its own (read
from the box or a file by orders.services.mass_input, whatever their format).

Every line is checked and reported by itself; good lines are ordered even when others are bad.
A line whose link already has an open order of the same platform and kind (placed before, or
on an earlier line) is reported and not ordered unless staff confirmed overlaps.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compare.routing import Product, ProductNotUnderstood, plan
from orders.models import MAX_QUANTITY
from orders.services.buying import buy
from orders.services.mass_input import MAX_LINES, MassLine
from orders.services.overlaps import OverlapGuard
from orders.services.placing import OrderActionRefused, create_order
from orders.validation import check_quantity, check_service, clean_link
from panel.order_types import service_type
from smmdash.lib.numbers import count_text
from smmdash.lib.params import whole_number


def place_mass_order(
    provider, lines: list[MassLine], *, user, form_token: str, overlaps_confirmed=False
) -> list[MassLine]:
    """Check every line and queue an order for each good one; returns the lines, reported.

    With no `provider`, each line names a product and is routed by its policy."""
    if provider is None:
        return _route_each(lines, user=user, form_token=form_token, confirmed=overlaps_confirmed)
    wanted = {line.fields[0] for line in lines if line.fields}
    services = {
        service.service_id: service
        for service in provider.services.select_related("provider").filter(service_id__in=wanted)
    }
    guard = OverlapGuard(lines, confirmed=overlaps_confirmed)
    for line in lines[:MAX_LINES]:
        try:
            service, link, quantity = _check(line, services)
            guard.check(link, service.platform, service.kind, service)
        except ValidationError as problem:
            line.error = " ".join(problem.messages)
            continue
        line.order, line.created = create_order(
            service,
            link=link,
            quantity=quantity,
            user=user,
            # Each line has its own token: the same form sent twice orders each line once.
            form_token=f"{form_token}:{line.source}{line.number}",
        )
        guard.placed(line.order)
    _too_many(lines)
    return lines


def _route_each(lines, *, user, form_token, confirmed):
    guard = OverlapGuard(lines, confirmed=confirmed)
    plans = {}
    for line in lines[:MAX_LINES]:
        try:
            product, link, quantity = _check_product(line)
            guard.check(link, product.platform, product.kind)
            key = (line.fields[0].lower(), quantity)
            plans[key] = plans.get(key) or plan(product, quantity)
            purchase = buy(
                product,
                link=link,
                quantity=quantity,
                user=user,
                form_token=f"{form_token}:{line.source}{line.number}",
                overlap_confirmed=True,  # the guard above has had its say, lines included
                chosen=plans[key],
            )
        except (ValidationError, OrderActionRefused) as problem:
            line.error = " ".join(getattr(problem, "messages", [str(problem)]))
            continue
        line.order, line.created = purchase.order, purchase.created
        guard.placed(line.order)
    _too_many(lines)
    return lines


def _too_many(lines):
    for line in lines[MAX_LINES:]:
        line.error = _("Not read: a mass order takes at most {limit} lines.").format(
            limit=count_text(MAX_LINES)
        )


def _check_product(line):
    if len(line.fields) != 3:
        raise ValidationError(
            _("Write it as: product | link | quantity (or three columns separated by ; or ,).")
        )
    words, link, quantity_text = line.fields
    try:
        product = Product.from_words(words)
    except ProductNotUnderstood as problem:
        raise ValidationError(str(problem)) from None
    return product, clean_link(link), _quantity(quantity_text)


def _quantity(text):
    quantity = whole_number(text.replace(",", "").replace(" ", ""), maximum=MAX_QUANTITY)
    if quantity is None:
        raise ValidationError(_("“{text}” is not a whole number.").format(text=text[:40]))
    return quantity


def _check(line, services):
    if len(line.fields) != 3:
        raise ValidationError(
            _("Write it as: service id | link | quantity (or three columns separated by ; or ,).")
        )
    service_id, link, quantity_text = line.fields
    service = services.get(service_id)
    if service is None:
        raise ValidationError(
            _("There is no service {service_id} in this provider's catalog.").format(
                service_id=service_id
            )
        )
    check_service(service)
    kind = service_type(service.type)
    if kind.fields or not kind.sends_quantity:
        # Comments, usernames and the like do not fit on one line.
        raise ValidationError(
            _(
                "Service {service_id} is a {service_type} service: order it with the order form."
            ).format(service_id=service_id, service_type=service.type)
        )
    link = clean_link(link)
    quantity = _quantity(quantity_text)
    check_quantity(service, quantity)
    return service, link, quantity
