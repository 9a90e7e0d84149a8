"""Demo orders: a handful on the simulated panels, in several states, one of them unknown.

Placed through the same services as real orders. When the setup serves the simulated panels
itself, it also backdates some orders at the panel, so a newcomer sees finished orders next to
running ones, and makes one answer go missing, so they see an order that needs checking.
"""

import contextlib

from demo import history
from demo.links import demo_link
from orders import services
from orders.models import Order

AGO = {"completed": 3600, "partial": 3600, "running": 120}
HISTORY_DAYS, HISTORY_PER_DAY = 45, 12
# The products most bought, so Compare's equivalents and Buy's plans have records to weigh.
HISTORY_PRODUCTS = {
    "instagram": ("followers", "likes"),
    "tiktok": ("views",),
    "youtube": ("views",),
}


def place_demo_orders(providers, simulator, user, report=print):
    if Order.objects.exists():
        return []
    by_slug = dict(
        zip(("smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"), providers, strict=True)
    )
    written = history.seed(
        [
            (provider, _history_services(provider), history.PROFILES[slug])
            for slug, provider in by_slug.items()
        ],
        days=HISTORY_DAYS,
        per_day=HISTORY_PER_DAY,
    )
    report(
        f"Demo history: {written:,} finished orders over the last {HISTORY_DAYS} days, so the "
        "scorecards have something to say"
    )
    placed = [
        _place(
            by_slug["smmprovider"], "smmprovider", simulator, user, age="completed", refill=True
        ),
        _place(by_slug["smmpllus"], "smmpllus", simulator, user, age="partial"),
        _place(by_slug["smmsheba"], "smmsheba", simulator, user, age="running"),
        _place(by_slug["smmbros"], "smmbros", simulator, user),
        _deliberately(
            report,
            "one order over its service's maximum, which the panel refuses (a rejected order)",
            lambda: _place(by_slug["smmub"], "smmub", simulator, user, quantity="too many"),
        ),
    ]
    cancelled = _place(by_slug["smmpllus"], "smmpllus", simulator, user, cancel=True)
    placed.append(cancelled)
    if simulator is not None:
        # The panel takes this one, and the answer is lost on its way back.
        simulator.inject("smmprovider", "reset", action="add", after=True)
        placed.append(
            _deliberately(
                report,
                "one order whose answer is lost on its way back (an order that needs checking)",
                lambda: _place(by_slug["smmprovider"], "smmprovider", simulator, user),
            )
        )
    for provider in providers:
        services.poll_provider(provider)
    if placed[0] is not None:
        placed[0].refresh_from_db()
        try:
            services.refill_order(placed[0], user)
        except services.OrderActionRefused as refused:
            report(f"  demo refill not placed: {refused}")
    done = [order for order in placed if order is not None]
    states = ", ".join(Order.objects.get(pk=order.pk).get_status_display() for order in done)
    report(f"Demo orders: {len(done)} ({states}){_on_the_panels(simulator, len(done))}")
    return done


def _on_the_panels(simulator, placed: int) -> str:
    """How many of the orders the panels hold, where that differs: a refused order is never
    on a panel, so the simulator, started again, restores one fewer than were placed."""
    if simulator is None:
        return ""
    held = sum(len(panel.ledger.orders) for panel in simulator.panels.values())
    if held == placed:
        return ""
    return f"; the panels hold {held} of them: an order a panel refused is not on it"


def _deliberately(report, what: str, place):
    """Place a demo order that goes wrong on purpose, saying so first: the warnings logged
    next are the demo's, not a fault of the setup."""
    report(f"  On purpose, {what}; the warning logged next is expected:")
    return place()


def _history_services(provider):
    found = []
    for platform, kinds in HISTORY_PRODUCTS.items():
        for kind in kinds:
            cheapest = provider.services.filter(
                active=True, type="Default", platform=platform, kind=kind
            ).order_by("rate")
            found += list(cheapest[:2])
    return found or list(provider.services.filter(active=True, type="Default")[:5])


def _place(provider, slug, simulator, user, *, age=None, refill=False, quantity=None, cancel=False):
    offers = provider.services.filter(active=True, type="Default").order_by("rate")
    if refill:
        offers = offers.filter(refill=True)
    if cancel:
        offers = offers.exclude(cancel=False)
    service = offers.first()
    if service is None:
        return None
    amount = service.max + 1 if quantity == "too many" else max(service.min, min(1000, service.max))
    order, _ = services.create_order(
        service, link=demo_link(service, f"smmdash-demo-{slug}"), quantity=amount, user=user
    )
    order = services.submit(order.pk)
    if simulator is not None and age and order.provider_order_id:
        at_panel = simulator.panel(slug).ledger.orders[int(order.provider_order_id)]
        at_panel.created_at -= AGO[age]
        at_panel.partial = age == "partial"
    if cancel and order.provider_order_id:
        order = Order.objects.select_related("provider", "service").get(pk=order.pk)
        with contextlib.suppress(services.OrderActionRefused):  # the demo goes on without it
            services.cancel_order(order, user)
    return order
