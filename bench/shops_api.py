"""The shops' API under load: `add` and a 100-id `status` from 20 concurrent shop clients
against gunicorn + PostgreSQL + Redis on this machine (``python -m bench.shops_api``).

PostgreSQL is BENCH_POSTGRES_URL (its database is created and dropped, as Django's tests do),
Redis BENCH_REDIS_URL (the route tasks each add queues are purged at the end). Each client is a
shop of its own with a keep-alive connection, as a panel's cron would be.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.django_process import POSTGRES_URL

CLIENTS = 20
ADDS_PER_CLIENT = 100
STATUS_PER_CLIENT = 20
# The scheduled runs: 200 adds a second in all, and 40 statuses of 100 orders (4,000 orders'
# statuses a second; a panel's cron asks each open order every minute or so).
ADDS_PER_SECOND = 10
STATUS_PER_SECOND = 2
# One process a core, each with threads (gthread), which also keeps the shops' connections
# alive between requests: the sync worker closes each one after its answer.
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", str(os.cpu_count() or 2)))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def _setup_django():
    from cryptography.fernet import Fernet

    os.environ.update(
        DATABASE_URL=os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
        CELERY_BROKER_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="smmdash.settings",
        ENV_FILE=os.devnull,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SECRET_KEY="bench-only-" + "z" * 50,
        PROVIDER_SECRET_KEYS=Fernet.generate_key().decode(),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def _seed():
    from shops import services
    from shops.models import Product

    product = Product.objects.create(
        key="labels:instagram/followers//",
        platform="instagram",
        kind="followers",
        name="Instagram Followers",
        category="Instagram",
        available=True,
        cost=Decimal("0.90"),
        min=10,
        max=1_000_000,
    )
    keys = []
    for number in range(CLIENTS):
        _, key = services.create_shop(
            f"Shop {number}", credit=Decimal(1_000_000), requests_per_minute=1_000_000
        )
        keys.append(key)
    return product, keys


def _server(database_name):
    from tests.processes import free_port

    port = free_port()
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database_name}"
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(  # noqa: S603 (this interpreter's gunicorn, our app)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "smmdash.wsgi",
            "--logger-class",
            "smmdash.gunicorn_logging.RedactingLogger",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread" if THREADS > 1 else "sync",
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(os.environ.get("BENCH_LOG", os.devnull)), "ab"),  # noqa: SIM115
    )
    return process, f"http://127.0.0.1:{port}/api/v2"


def _wait_up(url):
    import requests

    for _ in range(100):
        try:
            requests.post(url, data={"action": "balance"}, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _client(url):
    """A keep-alive connection and a function that posts a form and reads the JSON answer: the
    standard library's client, which takes the least of this machine's two cores from the
    server (a panel's PHP cron is no heavier)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def post(data):
        connection.request("POST", parts.path, urlencode(data), headers)
        return json.loads(connection.getresponse().read())

    return post


def _run(url, jobs, per_second=None):
    """Run each client's job list in its own thread; returns (seconds, latencies, answers).

    per_second None: each client sends its next request as soon as it has the answer (what the
    server can take at most). A number: each client sends on a fixed schedule at that rate, and
    a latency counts from when the request was due, so a server that falls behind shows it in
    the latencies rather than by slowing the clients down."""
    latencies, answers, start = [], [], threading.Barrier(len(jobs) + 1)

    def client(requests_of_client, offset):
        post = _client(url)
        start.wait()
        began = time.perf_counter() + offset
        for number, data in enumerate(requests_of_client):
            due = began + number / per_second if per_second else time.perf_counter()
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            answers.append(post(data))
            latencies.append(time.perf_counter() - due)

    # Scheduled clients start spread over one interval, as independent crons would.
    offsets = [n / len(jobs) / per_second if per_second else 0 for n in range(len(jobs))]
    threads = [
        threading.Thread(target=client, args=(job, offset))
        for job, offset in zip(jobs, offsets, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, answers


def _check(condition, shown):
    if not condition:
        raise RuntimeError(f"unexpected answers: {shown}")


def _ids_per_shop():
    """Each shop's first 100 order ids, comma separated, in the shops' creation order."""
    from shops.models import Shop

    return [
        ",".join(str(pk) for pk in shop.orders.order_by("pk").values_list("pk", flat=True)[:100])
        for shop in Shop.objects.order_by("pk")
    ]


def _row(what, seconds, latencies):
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        what,
        f"{len(latencies):,}",
        f"{len(latencies) / seconds:,.0f}/s",
        f"{statistics.median(ordered) * 1000:.1f} ms",
        f"{p95 * 1000:.1f} ms",
    )


def shops_api():
    _setup_django()
    from django.db import connection

    from smmdash.celery import app

    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    try:
        product, keys = _seed()
        connection.close()
        server, url = _server(name)
        _wait_up(url)

        def adds(mark):
            return [
                [
                    {
                        "key": key,
                        "action": "add",
                        "service": product.pk,
                        "link": f"https://instagram.com/p/{mark}{n}-{i}",
                        "quantity": 1000,
                    }
                    for i in range(ADDS_PER_CLIENT)
                ]
                for n, key in enumerate(keys)
            ]

        rows = []
        for mark, per_second, what in (
            ("a", None, f"add, {CLIENTS} shops as fast as they can"),
            ("b", ADDS_PER_SECOND, f"add, {CLIENTS} shops at {ADDS_PER_SECOND}/s each"),
        ):
            seconds, latencies, answers = _run(url, adds(mark), per_second)
            _check(all("order" in answer for answer in answers), answers[:3])
            rows.append(_row(what, seconds, latencies))
        statuses = [
            [{"key": key, "action": "status", "orders": ids}] * STATUS_PER_CLIENT
            for key, ids in zip(keys, _ids_per_shop(), strict=True)
        ]
        for per_second, what in (
            (None, f"status of 100 orders, {CLIENTS} shops as fast as they can"),
            (
                STATUS_PER_SECOND,
                f"status of 100 orders, {CLIENTS} shops at {STATUS_PER_SECOND}/s each",
            ),
        ):
            seconds, latencies, answers = _run(url, statuses, per_second)
            _check(all(len(answer) == 100 for answer in answers), answers[:1])
            rows.append(_row(what, seconds, latencies))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        app.control.purge()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return (
        f"The shops' API: gunicorn ({WORKERS} workers x {THREADS} threads) + PostgreSQL + Redis, "
        f"{CLIENTS} shops, each on a keep-alive connection; a scheduled run's latency counts from "
        "when each request was due",
        ["request", "requests", "throughput", "median", "p95"],
        rows,
    )


BENCHMARKS = [shops_api]

if __name__ == "__main__":
    from bench.__main__ import table

    print(table(*shops_api()))
