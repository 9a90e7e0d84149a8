"""The Spend page over 1,000,000 orders at 50 providers: the scorecards benchmark's 90 days of
orders (bench.scorecards), whose rollups include the SpendDays the page reads; and the
dashboard's money overview and one alerts tick over the same data.

Each page is rendered by Django's test client in the child process as staff see it; the median
of five renders is reported.
"""

import statistics
import sys

from bench.django_process import count_statements, page_rows, render, run_child
from bench.scorecards import DAYS, ORDERS_PER_DAY, PROVIDERS, _fill


def spend():
    headers = ("database", "page or work", "orders behind it", "server time", "SQL statements")
    title = f"Spend over {PROVIDERS * DAYS * ORDERS_PER_DAY:,} orders at {PROVIDERS} providers"
    return title, headers, page_rows("bench.spend")


BENCHMARKS = [spend]


def _measure():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from alerts.services import evaluate
    from orders.models import Order

    plan, written, _ = _fill()
    provider = plan[0][0]
    user = get_user_model().objects.create_user("viewer")
    user.groups.add(Group.objects.get(name="View only"))
    client = Client()
    client.force_login(user)
    per_provider = Order.objects.filter(provider=provider).count()
    month = written * 30 // DAYS
    pages = {
        "Spend, 30 days per day": ("/spend/?period=30", month),
        "Spend, 90 days per week": ("/spend/?period=90&bucket=week", written),
        "Spend, 90 days per month": ("/spend/?period=90&bucket=month", written),
        "Spend, one provider, 90 days": (f"/spend/?period=90&provider={provider.pk}", per_provider),
        "Spend, 90 days, as CSV": ("/spend/?period=90&export=csv", written),
        "the dashboard (money overview)": ("/", written),
    }
    results = []
    for label, (url, behind) in pages.items():
        runs = [count_statements(lambda url=url: render(client, url)) for _ in range(5)]
        results.append(
            {
                "page": label,
                "rows": behind,
                "seconds": statistics.median(run[0] for run in runs),
                "statements": runs[-1][1],
            }
        )
    runs = [count_statements(evaluate) for _ in range(3)]
    results.append(
        {
            "page": "one alerts tick (top-ups, every rule)",
            "rows": written,
            "seconds": statistics.median(run[0] for run in runs),
            "statements": runs[-1][1],
        }
    )
    return results


if __name__ == "__main__":
    run_child(_measure)
    sys.exit(0)
