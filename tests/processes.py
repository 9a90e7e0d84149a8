"""Run parts of smmdash as real processes against the test database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def database_url_of_this_run():
    """A DATABASE_URL for the database this test run is using."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


# What the test process sets for itself and a smmdash process must not inherit.
TEST_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env(**overrides):
    """This environment as a freshly started smmdash process would see it."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_VARIABLES}
    env.update(ENV_FILE=os.devnull, DJANGO_SETTINGS_MODULE="smmdash.settings")
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def smmdash_env(**overrides):
    """The environment of a production-like smmdash process on the test database (and this
    run's broker, unless `overrides` names another)."""
    defaults = {
        "SECRET_KEY": "tests-only-" + "y" * 50,
        "DATABASE_URL": database_url_of_this_run(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PANEL_CA_BUNDLE": settings.PANEL_CA_BUNDLE,
    }
    return clean_env(**{**defaults, **overrides})


class Processes:
    """Starts processes and makes sure every one is stopped at the end."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.running = []

    def start(self, name, args, env):
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.running.append((name, process, log))
        return process

    def celery(self, name, *args, env):
        return self.start(name, [sys.executable, "-m", "celery", "-A", "smmdash", *args], env)

    def log(self, name):
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def logs(self, *names):
        return "\n".join(f"--- {name} ---\n{self.log(name)}" for name in names)

    def stop_all(self):
        for _, process, _ in self.running:
            process.terminate()
        for _, process, log in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
        self.running.clear()


def wait_for(condition, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return condition()


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_env(tmp_path, **overrides):
    """The environment of a Celery worker or beat working for this test: the test's database,
    broker (emptied first, so only what the test queues is there) and provider keys."""
    from smmdash.celery import app

    app.control.purge()
    return smmdash_env(
        PROVIDER_SECRET_KEYS=os.environ["PROVIDER_SECRET_KEYS"],
        PROVIDER_ALLOW_PRIVATE_HOSTS="true",
        CELERY_BEAT_SCHEDULE_FILENAME=tmp_path / "beat-schedule",
        **overrides,
    )
