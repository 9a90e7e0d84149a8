"""Catalog sync of 10,000 services: smmdash's bulk diff against a per-row `update_or_create` loop.

Both fetch the same catalog from the simulator (in a process of its own, over loopback: see
bench.panel_process) into their own provider, one after the other, so each sees the same data:
a first sync, a re-sync with nothing changed, and a re-sync after 10% of the rates moved.
smmdash's sync runs TRIALS times per scenario (each first sync into a new provider, each
repricing moving 10% of the rates again) and its median is shown, with the fastest and the
slowest: one run on a small machine says little. The loop runs once, in one transaction, so the
comparison is about statements, not commits. It writes no price history, which smmdash does.
Runs once per database (bench.django_process).
"""

import statistics
from decimal import Decimal

from bench.django_process import count_statements, per_database, run_child

CATALOG_SIZE = 10_000
PANEL = "smmprovider"  # clean JSON, so the figures are about the database
TRIALS = 5  # smmdash's syncs per scenario, of which the median is shown (the loop runs once)


def catalog_sync():
    rows = []
    for label, results, problem in per_database("bench.catalog_sync"):
        if problem:
            rows.append((label, problem, "", "", "", "", "", ""))
            continue
        for result in results:
            rows.append(
                (
                    label,
                    result["scenario"],
                    _milliseconds(result["bulk_seconds"], *result["bulk_range"]),
                    result["bulk_statements"],
                    result["bulk_service_writes"],
                    f"{result['loop_seconds'] * 1000:,.0f} ms",
                    f"{result['loop_statements']:,}",
                    f"{result['loop_seconds'] / result['bulk_seconds']:.1f} x",
                )
            )
    headers = (
        "database",
        "sync",
        f"smmdash (median of {TRIALS}, range)",
        "SQL statements",
        "of which write services",
        "update_or_create loop",
        "SQL statements",
        "loop / smmdash",
    )
    return f"Syncing a {CATALOG_SIZE:,}-service catalog (fetch included)", headers, rows


def _milliseconds(median, fastest, slowest):
    return f"{median * 1000:,.0f} ms ({fastest * 1000:,.0f}-{slowest * 1000:,.0f})"


BENCHMARKS = [catalog_sync]


# In the child process ---------------------------------------------------------------------------


def _loop_sync(provider):
    """What a first version would do: one update_or_create per service."""
    from django.db import transaction
    from django.utils import timezone

    from providers.models import Service
    from providers.services import open_client

    with open_client(provider) as client:
        fetched = client.services()
    now = timezone.now()
    with transaction.atomic():
        for service in fetched:
            values = {
                "name": service.name,
                "category": service.category,
                "type": service.type,
                "rate": service.rate,
                "min": service.min,
                "max": service.max,
                "refill": service.refill,
                "cancel": service.cancel,
                "dripfeed": service.dripfeed,
                "active": True,
                "last_seen": now,
            }
            Service.objects.update_or_create(
                provider=provider,
                service_id=service.service_id,
                defaults=values,
                create_defaults={**values, "first_seen": now},
            )
        seen = [service.service_id for service in fetched]
        provider.services.filter(active=True).exclude(service_id__in=seen).update(active=False)


def _run_scenarios():
    from bench.panel_process import PanelProcess
    from providers import services
    from providers.models import Provider

    results = []
    with PanelProcess(PANEL, catalog_size=CATALOG_SIZE) as panel:
        url, key = panel.url, panel.key

        def new_provider(name):
            return services.save_provider(Provider(name=name, api_url=url), api_key=key)

        bulk, loop = new_provider("bulk"), new_provider("loop")

        def bulk_sync(provider):
            sync = services.sync_catalog(provider)
            if sync.status != "ok":
                raise RuntimeError(f"the sync failed: {sync.error}")

        def scenario(name, trial_providers, before_each=lambda: None):
            trials = []
            for provider in trial_providers:
                before_each()
                trials.append(count_statements(lambda p=provider: bulk_sync(p)))
            loop_seconds, loop_statements, _ = count_statements(lambda: _loop_sync(loop))
            if not bulk.services.count() == loop.services.count() == CATALOG_SIZE:
                raise RuntimeError("the two syncs did not store the same catalog")
            seconds = sorted(seconds for seconds, _, _ in trials)
            _, statements, writes = trials[0]
            results.append(
                {
                    "scenario": name,
                    "bulk_seconds": statistics.median(seconds),
                    "bulk_range": (seconds[0], seconds[-1]),
                    "bulk_statements": statements,
                    "bulk_service_writes": writes,
                    "loop_seconds": loop_seconds,
                    "loop_statements": loop_statements,
                }
            )

        # Each first sync is a new provider's; the others go on with the first one's catalog.
        others = [new_provider(f"first sync {n}") for n in range(2, TRIALS + 1)]
        scenario("first", [bulk, *others])
        Provider.objects.filter(pk__in=[provider.pk for provider in others]).delete()
        scenario("nothing changed", [bulk] * TRIALS)
        scenario(
            "10% of rates changed",
            [bulk] * TRIALS,
            before_each=lambda: panel.reprice(every=10, by=Decimal("0.01")),
        )
    return results


if __name__ == "__main__":
    run_child(_run_scenarios)
