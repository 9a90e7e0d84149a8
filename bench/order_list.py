"""The order list with 100,000 orders: server time and SQL statements per page.

Rendered by Django's test client in the child process (no network), as staff with the View only
role see it; the median of five renders is reported.
"""

import statistics
import sys

from bench.django_process import count_statements, page_rows, render, run_child

ORDERS = 100_000
PAGES = {
    "first page": "",
    "page 1,000": "?page=1000",
    "open orders": "?status=open",
    "one provider, by cost": "?provider={provider}&sort=-cost",
    "a date range": "?since={since}&until={until}",
    'search a link "p/77777"': "?q=p/77777",
    "live refresh of 50 open rows": "live",
}


def order_list():
    headers = ("database", "order list", "orders matching", "server time", "SQL statements")
    return f"The order list with {ORDERS:,} orders", headers, page_rows("bench.order_list")


BENCHMARKS = [order_list]


# In the child process ------------------------------------------------------------------------


def _fill():
    """ORDERS orders over five providers and two months, one in ten still open."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from orders.models import Order
    from providers.models import Provider, Service

    now = timezone.now()
    statuses = ["completed"] * 7 + ["partial", "canceled", "in_progress"]
    services = []
    for number in range(5):
        provider = Provider.objects.create(
            name=f"panel {number}", api_url=f"https://panel{number}.example/api/v2", currency="USD"
        )
        services.append(
            Service.objects.create(
                provider=provider,
                service_id="1",
                name="Instagram Followers [Real] [Refill 30D]",
                rate=Decimal("0.95"),
                min=10,
                max=100_000,
                first_seen=now,
                last_seen=now,
            )
        )
    batch = []
    for number in range(ORDERS):
        service = services[number % 5]
        batch.append(
            Order(
                provider_id=service.provider_id,
                service=service,
                service_ref="1",
                service_name=service.name,
                rate=service.rate,
                currency="USD",
                link=f"https://instagram.com/p/{number}",
                quantity=100 + number % 900,
                expected_cost=Decimal(100 + number % 900) * service.rate / 1000,
                status=statuses[number % 10],
                provider_order_id=str(500_000 + number),
                created_at=now - timedelta(minutes=number),
            )
        )
        if len(batch) == 5000:
            Order.objects.bulk_create(batch)
            batch = []
    return services[0].provider_id, (now - timedelta(days=30)).date()


def _measure():
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from orders.models import STILL_MOVING, Order

    provider_id, since = _fill()
    viewer = get_user_model().objects.create_user("viewer")
    viewer.groups.add(Group.objects.get(name="View only"))
    client = Client()
    client.force_login(viewer)
    open_ids = list(Order.objects.filter(status__in=STILL_MOVING).values_list("pk", flat=True)[:50])
    results = []
    for label, query in PAGES.items():
        if query == "live":
            url = "/orders/live/?ids=" + ",".join(map(str, open_ids))
            matching = len(open_ids)
        else:
            query = query.format(provider=provider_id, since=since, until=since + timedelta(days=7))
            url = "/orders/" + query
            matching = _matching(query)
        runs = [count_statements(lambda url=url: render(client, url)) for _ in range(5)]
        results.append(
            {
                "page": label,
                "rows": matching,
                "seconds": statistics.median(run[0] for run in runs),
                "statements": runs[-1][1],
            }
        )
    return results


def _matching(query):
    """How many orders the page's filters match, counted as the view counts them."""
    from django.http import QueryDict

    from orders.forms import OrderFilter
    from orders.models import Order

    data = QueryDict(query.lstrip("?"))
    return OrderFilter(data or None).apply(Order.objects.all()).count()


if __name__ == "__main__":
    run_child(_measure)
    sys.exit(0)
