"""Run smmdash as the README's Production section says, and use it over HTTP.

gunicorn, two Celery workers (orders; panels and catalogs) and beat, started from the Procfile
by honcho, on PostgreSQL and Redis, configured only from the environment, behind a (pretend)
TLS proxy. Against the simulated panels it then shows, end to end: logging in (two-factor
sign-in set up at the first, as the owner's role requires, then a code at the next), adding a
provider (connection test), its first sync, a sync started by beat's schedule, an order placed
through the form and sent by the orders worker, its status polled to completion on beat's
schedule, /health/ reporting all of it, the security headers, and logs that are JSON lines
without a key in them.

    .venv/bin/python .ci/production_check.py --database-url postgres://... --broker-url redis://...
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from base64 import b32decode
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def totp_code(secret: str, *, fresh_step: bool = False) -> str:
    """What an authenticator app set up with `secret` shows. Each 30-second step's code is
    accepted once, so `fresh_step` waits for the next step first (for a second sign-in)."""
    if fresh_step:
        time.sleep(30 - time.time() % 30 + 1)
    return f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(url):
    """Create the database `url` names, empty (dropped first if it is there)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def step(message):
    print(f"--> {message}", flush=True)


def wait_until(what, check, timeout=120, interval=1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise SystemExit(f"FAILED: {what} did not happen within {timeout} s")


class Browser:
    """A client as a browser behind the TLS proxy is: https in X-Forwarded-Proto, cookies kept
    by hand (they are Secure, which requests would not send over the proxy's plain hop)."""

    def __init__(self, base):
        self.base = base
        self.origin = "https://" + urlsplit(base).netloc
        self.cookies = {}

    def request(self, method, path, **kwargs):
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "Referer": self.origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        """GET the form's page, POST `fields` with its CSRF token, follow one redirect."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
        answer = self.request("POST", path, data={**hidden, **fields, "csrfmiddlewaretoken": token})
        return answer


class Stack:
    def __init__(self, env, log_dir):
        self.env, self.log_dir, self.processes = env, log_dir, []

    def start(self, name, args, **extra_env):
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed by the OS at exit)
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def run(self, *args):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def query(self, code):
        """Read the database the way an operator would, with `manage.py shell`."""
        return self.run("shell", "--no-imports", "-c", code).strip()

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self):
        return {path.stem: path.read_text(errors="replace") for path in self.log_dir.glob("*.log")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--broker-url", required=True)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="smmdash-production-"))
    web_port, simulator_port = free_port(), free_port()
    # The README's Production section: settings in one file that ENV_FILE names, read by every
    # process (and by honcho, for the Procfile's own variables); the virtualenv first on PATH.
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PROVIDER_SECRET_KEYS": subprocess.check_output(
            [
                PYTHON,
                "-c",
                "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())",
            ],
            text=True,
        ).strip(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": options.database_url,
        "CELERY_BROKER_URL": options.broker_url,
        "SECURE_PROXY_SSL_HEADER": "true",
        "STATIC_ROOT": str(work / "static"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(work / "beat-schedule"),
        "BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "ORDERS_CONCURRENCY": "2",
        "PANELS_CONCURRENCY": "2",
        # For this check only: the simulated panels are on loopback, there is no internet for
        # exchange rates, and the schedules tick in seconds rather than minutes.
        "PROVIDER_ALLOW_PRIVATE_HOSTS": "true",
        "EXCHANGE_RATES_URL": "",
        "CATALOG_DISPATCH_SECONDS": "2",
        "ORDER_POLL_DISPATCH_SECONDS": "2",
        "ORDER_STATUS_MAX_AGE_SECONDS": "2",
        "BALANCE_REFRESH_SECONDS": "5",
        "WORKER_HEARTBEAT_SECONDS": "2",
    }
    env_file = work / "smmdash.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    env_file.chmod(0o600)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
        "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}",
        "ENV_FILE": str(env_file),
        "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16),
    }
    stack = Stack(env, work)
    try:
        check(stack, env, options, work, web_port, simulator_port)
    except BaseException:
        stack.stop()
        for name, text in stack.logs().items():
            print(
                f"\n===== {name}.log (last 60 lines) =====\n" + "\n".join(text.splitlines()[-60:])
            )
        raise
    stack.stop()
    print("Production check passed.")


def check(stack, env, options, work, web_port, simulator_port):
    step(f"Fresh database {urlsplit(options.database_url).path.lstrip('/')}; bin/release")
    fresh_database(options.database_url)
    subprocess.run(["bin/release"], cwd=ROOT, env={**env, "PYTHON": PYTHON}, check=True)
    stack.run("createsuperuser", "--noinput", "--username", "owner", "--email", "o@example.com")

    step("Simulated panels, then the Procfile's processes with honcho")
    accounts = work / "panels.json"
    stack.start(
        "simulator",
        [
            PYTHON,
            "manage.py",
            "runsimulator",
            "--port",
            str(simulator_port),
            "--accounts-file",
            str(accounts),
            "--pending-seconds",
            "3",
            "--running-seconds",
            "8",
        ],
        DEMO="true",  # the simulator is the demo's: production itself does not install it
    )
    stack.start("honcho", ["honcho", "start", "-e", env["ENV_FILE"]])
    base = f"http://127.0.0.1:{web_port}"

    def answering():
        try:
            return requests.get(base + "/health/", headers={"Host": "127.0.0.1"}, timeout=5)
        except requests.ConnectionError:
            return None

    health = wait_until("gunicorn answering /health/", answering, timeout=60)
    panels = wait_until(
        "the simulator's accounts file",
        lambda: accounts.exists() and json.loads(accounts.read_text()),
        timeout=30,
    )

    step("Plain HTTP is sent to HTTPS; responses carry HSTS, CSP and secure cookies")
    plain = requests.get(base + "/login/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://"), plain
    browser = Browser(base)
    login_page = browser.get("/login/")
    assert "max-age=31536000" in login_page.headers["Strict-Transport-Security"]
    assert "script-src 'self'" in login_page.headers["Content-Security-Policy"]
    assert "Secure" in login_page.headers["Set-Cookie"], login_page.headers["Set-Cookie"]
    assert health.json()["database"]["ok"] and health.json()["broker"]["ok"], health.text

    step("Log in: two-factor sign-in is set up first, then asked for at the next sign-in")
    password = env["DJANGO_SUPERUSER_PASSWORD"]
    logged_in = browser.post_form("/login/", {"username": "owner", "password": password})
    assert logged_in.status_code == 302, logged_in.status_code
    made_to_enrol = browser.get("/providers/")
    assert made_to_enrol.headers["Location"].startswith("/account/two-factor/"), made_to_enrol
    enrolment = browser.get("/account/two-factor/")
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', enrolment.text).group(1)
    enrolled = browser.post_form("/account/two-factor/", {"code": totp_code(secret)})
    assert "Keep these recovery codes" in enrolled.text, enrolled.text[:2000]
    browser.cookies.clear()  # a new browser: signing in again asks for a code
    browser.post_form("/login/", {"username": "owner", "password": password})
    asked = browser.get("/providers/")
    assert asked.headers["Location"].startswith("/login/verify/"), asked.headers
    verified = browser.post_form("/login/verify/", {"code": totp_code(secret, fresh_step=True)})
    assert verified.status_code == 302, verified.text[:2000]
    assert browser.get("/providers/").status_code == 200

    step("Add a provider with a wrong key (refused), then the right one")
    provider = {
        "name": "SMM Provider",
        "api_url": panels["smmprovider"]["url"],
        "sync_interval_minutes": "15",
        "enabled": "on",
    }
    refused = browser.post_form("/providers/add/", {**provider, "api_key": "wrong"})
    assert refused.status_code == 200 and "Invalid API key" in refused.text, refused.status_code
    key = panels["smmprovider"]["key"]
    added = browser.post_form("/providers/add/", {**provider, "api_key": key})
    assert added.status_code == 302, added.text[:2000]

    step("The first sync, run by the catalogs worker")
    count = "from providers.models import Provider as P; print(P.objects.get().active_services)"
    services = wait_until("the first catalog sync", lambda: int(stack.query(count)), timeout=90)
    print(f"    {services} services cached")

    step("A sync started by beat's schedule, once the provider is due")
    stack.query(
        "from django.utils import timezone; from providers.models import Provider as P; "
        "P.objects.update(next_sync_at=timezone.now())"
    )
    scheduled = (
        "from providers.models import CatalogSync as S; "
        "print(S.objects.filter(trigger='schedule', status='ok').count())"
    )
    wait_until("a scheduled sync", lambda: int(stack.query(scheduled)), timeout=90)

    step("An order placed through the form, sent by the orders worker, tracked by beat")
    service_id = stack.query(
        "from providers.models import Service as S; "
        "s = S.objects.filter(active=True, type='Default').order_by('rate').first(); "
        "print(s.pk, s.min)"
    ).split()
    placed = browser.post_form(
        f"/orders/new/?service={service_id[0]}",
        {"link": "https://instagram.com/smmdash", "quantity": service_id[1]},
    )
    assert placed.status_code == 302, placed.text[:2000]
    status = "from orders.models import Order as O; print(O.objects.get().status)"
    wait_until(
        "the order being placed",
        lambda: stack.query(status) in {"pending", "in_progress", "completed"},
        timeout=60,
    )
    wait_until("the order completing", lambda: stack.query(status) == "completed", timeout=120)
    order_page = browser.get(placed.headers["Location"])
    assert "Completed" in order_page.text

    step("/health/ reports it all; the Background work page is clear")
    report = wait_until(
        "a healthy report",
        lambda: (body := answering().json())["status"] == "ok" and body,
        timeout=30,
    )
    print("    " + json.dumps(report))
    assert (
        report["last_order_poll_age_seconds"] < 60 and report["last_catalog_sync_age_seconds"] < 300
    )
    background = browser.get("/background/")
    assert "Work is waiting" not in background.text and "orders@" in background.text

    step("Every log line is JSON; the key is in none")
    stack.stop()
    logs = stack.logs()
    for name in ("honcho",):
        lines = [line.split("| ", 1)[-1] for line in logs[name].splitlines() if "| " in line]
        app_lines = [line for line in lines if line.startswith("{")]
        assert app_lines, f"no JSON log lines in {name}"
        for line in app_lines:
            json.loads(line)
    for name, text in logs.items():
        assert key not in text, f"the API key is in {name}.log"
    worker_log = logs["honcho"]
    assert "submit_order" in worker_log and "run_catalog_sync" in worker_log
    assert "poll_provider_orders" in worker_log


if __name__ == "__main__":
    main()
