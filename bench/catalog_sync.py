"""Catalog sync of 10,000 services: smmdash's bulk diff against a per-row `update_or_create` loop.

Both fetch the same catalog from the simulator (in this process, over loopback) into their own
provider, one after the other, so each sees the same data: a first sync, a re-sync with nothing
changed, and a re-sync after 10% of the rates moved. The loop runs in one transaction, so the
comparison is about statements, not commits. It writes no price history, which smmdash does.
Runs once per database (bench.django_process).
"""

from decimal import Decimal

from bench.django_process import count_statements, per_database, run_child

CATALOG_SIZE = 10_000
PANEL = "smmprovider"  # clean JSON, so the figures are about the database


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
                    f"{result['bulk_seconds'] * 1000:,.0f} ms",
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
        "smmdash",
        "SQL statements",
        "of which write services",
        "update_or_create loop",
        "SQL statements",
        "loop / smmdash",
    )
    return f"Syncing a {CATALOG_SIZE:,}-service catalog (fetch included)", headers, rows


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
    from providers import services
    from providers.models import Provider
    from simulator import ManualClock, Simulator

    results = []
    with Simulator(clock=ManualClock(), catalog_size=CATALOG_SIZE) as simulator:
        url, key = simulator.url(PANEL), simulator.key(PANEL)
        bulk = services.save_provider(Provider(name="bulk", api_url=url), api_key=key)
        loop = services.save_provider(Provider(name="loop", api_url=url), api_key=key)

        def bulk_sync():
            sync = services.sync_catalog(bulk)
            if sync.status != "ok":
                raise RuntimeError(f"the sync failed: {sync.error}")

        def scenario(name):
            bulk_seconds, bulk_statements, bulk_writes = count_statements(bulk_sync)
            loop_seconds, loop_statements, _ = count_statements(lambda: _loop_sync(loop))
            if not bulk.services.count() == loop.services.count() == CATALOG_SIZE:
                raise RuntimeError("the two syncs did not store the same catalog")
            results.append(
                {
                    "scenario": name,
                    "bulk_seconds": bulk_seconds,
                    "bulk_statements": bulk_statements,
                    "bulk_service_writes": bulk_writes,
                    "loop_seconds": loop_seconds,
                    "loop_statements": loop_statements,
                }
            )

        scenario("first")
        scenario("nothing changed")
        panel = simulator.panel(PANEL)
        for service in panel.catalog[::10]:
            panel.set_rate(service.service_id, service.rate + Decimal("0.01"))
        scenario("10% of rates changed")
    return results


if __name__ == "__main__":
    run_child(_run_scenarios)
