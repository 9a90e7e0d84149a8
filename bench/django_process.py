"""Benchmarks that need Django run once per database, each in a child process.

Django's settings are per process, so ``python -m bench.<module> DATABASE_URL`` runs the
module's `measure()` on that database and prints its results as JSON; `per_database` starts
one such child for SQLite and one for PostgreSQL (at BENCH_POSTGRES_URL, by default the smmdash
role on localhost, as `.ci/run` creates it). The benchmark database is created and dropped by
Django's test-database machinery.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

POSTGRES_URL = "postgres://smmdash:smmdash@127.0.0.1:5432/smmdash_bench"


def per_database(module: str):
    """Yield (database label, results, None) or (label, None, why it did not run)."""
    with tempfile.TemporaryDirectory() as scratch:
        databases = {
            "SQLite": f"sqlite:///{scratch}/bench.sqlite3",
            "PostgreSQL": os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL),
        }
        for label, url in databases.items():
            child = subprocess.run(  # noqa: S603 (this interpreter, our module, our URL)
                [sys.executable, "-m", module, url],
                capture_output=True,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
                check=False,
            )
            if child.returncode:
                reason = (child.stderr.strip().splitlines() or ["failed"])[-1]
                yield label, None, f"not run: {reason}"
            else:
                yield label, json.loads(child.stdout), None


def page_rows(module: str):
    """Table rows for a page benchmark whose children report page, rows, seconds, statements."""
    rows = []
    for label, results, problem in per_database(module):
        if problem:
            rows.append((label, problem, "", "", ""))
            continue
        rows += [
            (
                label,
                result["page"],
                f"{result['rows']:,}",
                f"{result['seconds'] * 1000:,.0f} ms",
                result["statements"],
            )
            for result in results
        ]
    return rows


def run_child(measure):
    """The child's side: configure Django on argv's database, run `measure`, print JSON."""
    from cryptography.fernet import Fernet

    os.environ.update(
        DATABASE_URL=sys.argv[1],
        DJANGO_SETTINGS_MODULE="smmdash.settings",
        ENV_FILE=os.devnull,
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        SECRET_KEY="bench-only-" + "z" * 50,
        PROVIDER_SECRET_KEYS=Fernet.generate_key().decode(),
        PROVIDER_ALLOW_PRIVATE_HOSTS="true",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Production settings, but static files named as they are: nothing ran collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    if connection.vendor == "sqlite":
        # A file, as in production use, rather than the in-memory test default.
        connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["NAME"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        results = measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(results))


def count_statements(work):
    """(seconds, SQL statements, statements writing services or price history) of `work()`."""
    import time

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
        work()
        seconds = time.perf_counter() - started
    return seconds, statements, service_writes


def render(client, url, **headers):
    """GET `url` as the test client's user, read a streamed answer to its end, and fail
    unless it answered 200: a benchmark of an error page would measure nothing."""
    response = client.get(url, secure=True, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)
