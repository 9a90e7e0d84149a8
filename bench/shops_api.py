"""The shops' API under load: `add` and a 100-id `status` from 20 concurrent shop clients
against gunicorn + PostgreSQL + Redis on this machine (``python -m bench.shops_api``).

PostgreSQL is BENCH_POSTGRES_URL (its database is created and dropped, as Django's tests do),
Redis BENCH_REDIS_URL (the route tasks each add queues are purged at the end). Each client is a
shop of its own with a keep-alive connection, as a panel's cron would be.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from bench.django_process import POSTGRES_URL

CLIENTS = 20
ADDS_PER_CLIENT = 100
STATUS_PER_CLIENT = 20
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


def _run(url, jobs):
    """Run each client's job list in its own thread; returns (seconds, latencies, answers)."""
    import requests

    latencies, answers, start = [], [], threading.Barrier(len(jobs))

    def client(requests_of_client):
        session = requests.Session()
        start.wait()
        for data in requests_of_client:
            began = time.perf_counter()
            answer = session.post(url, data=data, timeout=30)
            latencies.append(time.perf_counter() - began)
            answers.append(answer.json())

    threads = [threading.Thread(target=client, args=(job,)) for job in jobs]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
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
        adds = [
            [
                {
                    "key": key,
                    "action": "add",
                    "service": product.pk,
                    "link": f"https://instagram.com/p/{n}-{i}",
                    "quantity": 1000,
                }
                for i in range(ADDS_PER_CLIENT)
            ]
            for n, key in enumerate(keys)
        ]
        seconds, latencies, answers = _run(url, adds)
        _check(all("order" in answer for answer in answers), answers[:3])
        rows = [_row(f"add, {CLIENTS} shops at once", seconds, latencies)]
        statuses = [
            [{"key": key, "action": "status", "orders": ids}] * STATUS_PER_CLIENT
            for key, ids in zip(keys, _ids_per_shop(), strict=True)
        ]
        seconds, latencies, answers = _run(url, statuses)
        _check(all(len(answer) == 100 for answer in answers), answers[:1])
        rows.append(_row(f"status of 100 orders, {CLIENTS} shops at once", seconds, latencies))
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
        f"{CLIENTS} clients",
        ["request", "requests", "throughput", "median", "p95"],
        rows,
    )


BENCHMARKS = [shops_api]

if __name__ == "__main__":
    from bench.__main__ import table

    print(table(*shops_api()))
