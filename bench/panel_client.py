"""The panel client against the simulator over loopback: catalogs, statuses, round trips.

Loopback hides network latency, so these figures are the client's and the parser's own cost;
against a real panel each request adds its round trip, which is why batching matters.
"""

import statistics
import time
from decimal import Decimal
from functools import partial

import requests

from panel import PanelClient, lenient_json
from panel.shapes import service_from
from simulator import PANELS, ManualClock, Simulator

CATALOG_SIZE = 10_000
ORDERS = 1_000


def timed(call, repeat=3):
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def read_catalog(body: str):
    return [service_from(entry) for entry in lenient_json.loads(body)]


def catalogs():
    rows = []
    with Simulator(clock=ManualClock(), catalog_size=CATALOG_SIZE) as simulator:
        for panel in PANELS:
            client = PanelClient(
                simulator.url(panel), simulator.key(panel), allow_private_hosts=True
            )
            total, services = timed(client.services)
            body = requests.post(
                simulator.url(panel),
                data={"key": simulator.key(panel), "action": "services"},
                timeout=60,
            ).text
            reading, _ = timed(partial(read_catalog, body))
            rows.append(
                (
                    panel,
                    len(services),
                    f"{len(body.encode()) / 1e6:.1f} MB",
                    f"{total * 1000:.0f} ms",
                    f"{reading * 1000:.0f} ms",
                )
            )
    headers = ("panel", "services", "answer", "services() in all", "of which the client reads")
    title = "A 10,000-service catalog (the simulator writes it once and keeps it)"
    return title, headers, rows


def statuses():
    rows = []
    with Simulator(clock=ManualClock()) as simulator:
        for panel in ("smmprovider", "smmsheba"):
            ledger = simulator.panel(panel).ledger
            account = ledger.accounts[simulator.key(panel)]
            account.deposit = Decimal(10**9)
            service = next(s for s in simulator.panel(panel).catalog if s.type == "Default")
            ids = [
                ledger.place(account, service, f"https://x.com/{n}", service.min, {}).order_id
                for n in range(ORDERS)
            ]
            client = PanelClient(
                simulator.url(panel), simulator.key(panel), allow_private_hosts=True
            )
            client.statuses(ids[:2])  # let it find out whether multi-status works
            before = len(simulator.requests(panel, "status"))
            seconds, found = timed(partial(client.statuses, ids), repeat=1)
            sent = len(simulator.requests(panel, "status")) - before
            mode = "multi-status" if client.capabilities.multi_status else "one by one"
            rows.append((panel, mode, len(found), sent, f"{seconds * 1000:.0f} ms"))
    headers = ("panel", "mode", "orders", "requests", "time")
    return f"statuses() of {ORDERS:,} orders", headers, rows


def round_trips():
    with Simulator(clock=ManualClock()) as simulator:
        client = PanelClient(
            simulator.url("smmprovider"), simulator.key("smmprovider"), allow_private_hosts=True
        )
        client.balance()
        pooled = [timed(client.balance, repeat=1)[0] for _ in range(200)]
        service = next(s for s in simulator.panel("smmprovider").catalog if s.type == "Default")
        simulator.panel("smmprovider").ledger.accounts[client._transport._key].deposit = 10**9

        def add():
            return client.add_order(service.service_id, f"https://x.com/{time.time_ns()}", 100)

        fresh = [timed(add, repeat=1)[0] for _ in range(200)]
    rows = [
        ("balance() on the pooled connection", f"{statistics.median(pooled) * 1000:.2f} ms"),
        ("add_order() on a new connection", f"{statistics.median(fresh) * 1000:.2f} ms"),
    ]
    return "Round trips over loopback (median of 200)", ("call", "median"), rows


BENCHMARKS = [catalogs, statuses, round_trips]
