"""Polling 10,000 open orders spread over the five simulated dialects.

Each panel answers after LATENCY seconds, as a panel across the world would, and smmdash keeps
to PACE requests a second per panel. The five providers are polled at once, one thread each,
as five workers would. Reported: status requests sent against the minimum (ceil(n/100) on a
multi-status panel, n on the others), and wall time.
"""

import math
import sys

from bench.django_process import count_statements, per_database, run_child

ORDERS = 10_000
LATENCY = 0.02  # seconds per answer
PACE = 40  # requests per second per panel
PANELS = ("smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus")


def order_polling():
    rows = []
    for label, results, problem in per_database("bench.order_polling"):
        if problem:
            rows.append((label, problem, "", "", "", "", ""))
            continue
        for result in results["panels"]:
            rows.append(
                (
                    label,
                    result["panel"],
                    "yes" if result["multi_status"] else "no",
                    f"{result['orders']:,}",
                    f"{result['requests']:,}",
                    f"{result['minimum']:,}",
                    f"{result['seconds']:.1f} s",
                )
            )
        rows.append(
            (
                label,
                "**all five at once**",
                "",
                f"{results['orders']:,}",
                f"{results['requests']:,}",
                f"{results['minimum']:,}",
                f"**{results['seconds']:.1f} s**, {results['statements']:,} SQL statements",
            )
        )
    headers = ("database", "panel", "multi-status", "open orders", "requests", "minimum", "time")
    title = (
        f"Polling {ORDERS:,} open orders ({LATENCY * 1000:.0f} ms per answer, "
        f"{PACE} requests/s per panel)"
    )
    return title, headers, rows


BENCHMARKS = [order_polling]


# In the child process ------------------------------------------------------------------------


def _measure():
    import threading
    import time

    from django.conf import settings
    from django.db import connection

    from bench.simulated_orders import open_orders_at
    from orders.services import poll_provider
    from providers import services
    from providers.models import Provider
    from simulator import ManualClock, Simulator

    settings.PANEL_REQUESTS_PER_SECOND = PACE
    with Simulator(clock=ManualClock(), latency=0) as simulator:
        providers = {}
        for slug in PANELS:
            provider = Provider(name=slug, api_url=simulator.url(slug))
            providers[slug] = services.save_provider(provider, api_key=simulator.key(slug))
            services.sync_catalog(providers[slug])
            open_orders_at(simulator, providers[slug], slug, ORDERS // len(PANELS))
        simulator.advance(120)  # every order has moved on: each answer is a change to write
        simulator.latency = LATENCY
        timings = {}

        def poll(slug):
            provider = Provider.objects.get(name=slug)
            found = {}
            took, statements, _ = count_statements(
                lambda: found.setdefault("result", poll_provider(provider))
            )
            timings[slug] = (took, statements, found["result"])
            connection.close()

        threads = [threading.Thread(target=poll, args=(slug,)) for slug in PANELS]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        statements = sum(timing[1] for timing in timings.values())
        panels = []
        for slug in PANELS:
            took, _, result = timings[slug]
            if result.error or result.checked != ORDERS // len(PANELS):
                raise RuntimeError(f"{slug}: {result}")
            multi = Provider.objects.get(name=slug).capabilities["multi_status"]
            orders = result.checked
            panels.append(
                {
                    "panel": slug,
                    "multi_status": multi,
                    "orders": orders,
                    "requests": len(simulator.requests(slug, "status")),
                    "minimum": math.ceil(orders / 100) if multi else orders,
                    "seconds": took,
                }
            )
    return {
        "panels": panels,
        "orders": sum(panel["orders"] for panel in panels),
        "requests": sum(panel["requests"] for panel in panels),
        "minimum": sum(panel["minimum"] for panel in panels),
        "seconds": seconds,
        "statements": statements,
    }


if __name__ == "__main__":
    run_child(_measure)
    sys.exit(0)
