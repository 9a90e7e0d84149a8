"""Catalog sync of 10,000 services: smmdash's bulk diff against a per-row `update_or_create` loop.

Both fetch the same catalog from the simulator (in this process, over loopback) into their own
provider, one after the other, so each sees the same data: a first sync, a re-sync with nothing
changed, and a re-sync after 10% of the rates moved. The loop runs in one transaction, so the
comparison is about statements, not commits. It writes no price history, which smmdash does.

Django's settings are per process, so each database runs in a child process:
``python -m bench.catalog_sync DATABASE_URL`` prints its results as JSON. PostgreSQL is found
at BENCH_POSTGRES_URL (default: the smmdash role on localhost, as `.ci/run` creates it); the
benchmark database is created and dropped by Django's test-database machinery.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CATALOG_SIZE = 10_000
PANEL = "smmprovider"  # clean JSON, so the figures are about the database
POSTGRES_URL = "postgres://smmdash:smmdash@127.0.0.1:5432/smmdash_bench"


def catalog_sync():
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        databases = {
            "SQLite": f"sqlite:///{scratch}/bench.sqlite3",
            "PostgreSQL": os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
        }
        for label, url in databases.items():
            child = subprocess.run(  # noqa: S603 (this interpreter, this module, our URL)
                [sys.executable, "-m", "bench.catalog_sync", url],
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
                check=False,
            )
            if child.returncode:
                reason = (child.stderr.strip().splitlines() or ["failed"])[-1]
                rows.append((label, f"not run: {reason}", "", "", "", "", "", ""))
                continue
            for result in json.loads(child.stdout):
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


# The child process ---------------------------------------------------------------------------


def _configure(database_url):
    from cryptography.fernet import Fernet

    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="smmdash.settings",
        ENV_FILE=os.devnull,
        DEBUG="false",
        SECRET_KEY="bench-only-" + "z" * 50,
        PROVIDER_SECRET_KEYS=Fernet.generate_key().decode(),
        PROVIDER_ALLOW_PRIVATE_HOSTS="true",
    )
    import django

    django.setup()


def _measure(sync):
    """(seconds, SQL statements, statements writing services or price history) of `sync`."""
    from django.db import connection

    statements, service_writes = 0, 0

    def count(execute, sql, params, many, context):
        nonlocal statements, service_writes
        statements += 1
        writes = sql.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        if writes and ("providers_service" in sql or "providers_pricechange" in sql):
            service_writes += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        sync()
        seconds = time.perf_counter() - started
    return seconds, statements, service_writes


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
            bulk_seconds, bulk_statements, bulk_writes = _measure(bulk_sync)
            loop_seconds, loop_statements, _ = _measure(lambda: _loop_sync(loop))
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


def main(database_url):
    _configure(database_url)
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file, as in production use, rather than the in-memory test default.
        connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["NAME"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        results = _run_scenarios()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
