"""Open orders placed straight into a simulated panel's books and recorded here as pending,
without an `add` request each: for benchmarks and tests that track thousands of orders."""

from orders.models import Order


def open_orders_at(simulator, provider, panel: str, count: int, link="https://instagram.com/p/"):
    service = provider.services.filter(active=True, type="Default").order_by("rate").first()
    ledger = simulator.panel(panel).ledger
    account = ledger.accounts[simulator.key(panel)]
    account.deposit += service.rate * service.min * count  # enough credit for all of them
    at_panel = simulator.panel(panel).service(service.service_id)
    orders = []
    for number in range(count):
        placed = ledger.place(account, at_panel, f"{link}{number}", service.min, {})
        orders.append(
            Order.of_service(
                service,
                link=f"{link}{number}",
                quantity=service.min,
                status=Order.Status.PENDING,
                provider_order_id=str(placed.order_id),
            )
        )
    return Order.objects.bulk_create(orders, batch_size=1000)
