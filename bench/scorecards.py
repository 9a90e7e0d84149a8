"""Scorecards over 1,000,000 orders at 50 providers: the pages that read the rollups, the
rollups of one provider's day recomputed (what a poll adds), and all of them from scratch.

The orders are the demo's history generator's (demo.history), 90 days of them, finished, with
refills and the providers' API calls; each page is rendered by Django's test client in the
child process as staff see it, and the median of five renders is reported.
"""

import statistics
import sys
import time

from bench.django_process import count_statements, page_rows, render, run_child

PROVIDERS = 50
DAYS = 90
ORDERS_PER_DAY = 222  # per provider: 50 x 90 x 222 = 999,000 orders
PRODUCTS = [
    ("instagram", "followers", "Instagram Followers"),
    ("instagram", "likes", "Instagram Likes"),
    ("tiktok", "views", "TikTok Views"),
    ("youtube", "subscribers", "YouTube Subscribers"),
]
VARIANTS = 5  # services per product per provider: 20 each, 1,000 in all


def scorecards():
    headers = ("database", "page or work", "orders behind it", "server time", "SQL statements")
    title = f"Scorecards over {PROVIDERS * DAYS * ORDERS_PER_DAY:,} orders at {PROVIDERS} providers"
    return title, headers, page_rows("bench.scorecards")


BENCHMARKS = [scorecards]


# In the child process ------------------------------------------------------------------------


def _fill():
    from datetime import UTC, datetime
    from decimal import Decimal

    from demo import history
    from providers.models import Provider, Service

    now = datetime.now(UTC)
    profiles = list(history.PROFILES.values())
    plan = []
    for number in range(PROVIDERS):
        provider = Provider.objects.create(
            name=f"panel {number:02}",
            api_url=f"https://panel{number}.example/api/v2",
            currency="USD",
            balance=Decimal(1000),
            balance_checked_at=now,
            last_sync_at=now,
            last_sync_ok=True,
            catalog_synced_at=now,
        )
        services = Service.objects.bulk_create(
            Service(
                provider=provider,
                service_id=str(index * VARIANTS + variant + 1),
                name=f"{label} [Real] [Refill 30D] #{variant}",
                category=label,
                type="Default",
                rate=Decimal("0.5") + Decimal(number % 7) / 10 + Decimal(variant) / 100,
                min=10,
                max=100_000,
                platform=platform,
                kind=kind,
                quality="real",
                refill_in_name=True,
                refill_days=30,
                first_seen=now,
                last_seen=now,
            )
            for index, (platform, kind, label) in enumerate(PRODUCTS)
            for variant in range(VARIANTS)
        )
        plan.append((provider, services, profiles[number % len(profiles)]))
    started = time.perf_counter()
    written = history.seed(plan, days=DAYS, per_day=ORDERS_PER_DAY, now=now)
    return plan, written, time.perf_counter() - started


def _measure():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from orders.models import Order
    from orders.services import rollups
    from scores.models import ProviderDay, ServiceDay

    plan, written, _ = _fill()
    provider, services, _ = plan[0]
    user = get_user_model().objects.create_user("buyer")
    user.groups.add(Group.objects.get(name="Place orders"))
    client = Client()
    client.force_login(user)
    per_provider = Order.objects.filter(provider=provider).count()
    pages = {
        "Scorecard, 30 days": ("/scorecard/?days=30", written),
        "Scorecard, 90 days, by time to start": ("/scorecard/?days=90&sort=start", written),
        "Scorecard, 7 days, as CSV": ("/scorecard/?days=7&export=csv", written),
        "a provider's page (with its scorecard)": (f"/providers/{provider.pk}/", per_provider),
        "an offer's page (service, provider, product)": (
            f"/compare/offers/{services[0].pk}/",
            written,
        ),
        "Compare by best value, 1,000": (
            "/compare/?q=instagram+followers+real&quantity=1000&sort=value",
            written,
        ),
        "Buy: the plan for 1,000": (
            "/orders/buy/?product=instagram+followers+real&quantity=1000",
            written,
        ),
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
    today = max(ProviderDay.objects.filter(provider=provider).values_list("day", flat=True))
    one_day = Order.objects.filter(provider=provider, created_at__date=today).count()
    runs = [count_statements(lambda: rollups.compute(provider.pk, [today])) for _ in range(5)]
    results.append(
        {
            "page": "one provider's day recomputed (after a poll)",
            "rows": one_day,
            "seconds": statistics.median(run[0] for run in runs),
            "statements": runs[-1][1],
        }
    )
    ProviderDay.objects.all().delete()
    ServiceDay.objects.all().delete()
    seconds, statements, _ = count_statements(rollups.rebuild)
    results.append(
        {
            "page": "every rollup from scratch (manage.py rebuild_scorecards)",
            "rows": written,
            "seconds": seconds,
            "statements": statements,
        }
    )
    return results


if __name__ == "__main__":
    run_child(_measure)
    sys.exit(0)
