"""Run smmdash as the README's Production section says, and use it over HTTP.

gunicorn, two Celery workers (orders; panels and catalogs) and beat, started from the Procfile
by bin/supervise (which starts again any process that exits, as the systemd units do), on
PostgreSQL and a Redis of the check's own (on its append-only file), configured only from the
environment, behind a (pretend) TLS proxy. Against the simulated panels it then shows, end to
end: logging in (two-factor sign-in set up at the first, as the owner's role requires, then a
code at the next), adding a provider (connection test), its first sync, a sync started by
beat's schedule, an order placed through the form and sent by the orders worker, its status
polled to completion on beat's schedule, /health/ reporting all of it, the security headers;
then hundreds of orders flowing while Redis restarts twice (on its append-only file, then
emptied) and a worker is killed: the workers carry on (the killed one started again), and
every order is settled within a minute of Redis being back, none sent twice, none lost, none
cut off mid-send; last, logs that are JSON lines without a key in them.

    .venv/bin/python .ci/production_check.py --database-url postgres://...

It needs redis-server and redis-cli on PATH.
"""

import argparse
import json
import os
import re
import secrets
import shutil
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


class Redis:
    """A redis-server of the check's own on a free port, with an append-only file, so that it
    can be restarted under load as an operator (or a crash) would."""

    def __init__(self, work):
        self.port, self.dir = free_port(), work / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def cli(self, *args):
        command = ["redis-cli", "-p", str(self.port), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()

    def start(self):
        options = {
            "port": self.port,
            "bind": "127.0.0.1",
            "dir": self.dir,
            "appendonly": "yes",
            "save": "",
            "daemonize": "yes",
            "logfile": self.dir / "redis.log",
        }
        arguments = [part for name, value in options.items() for part in (f"--{name}", str(value))]
        subprocess.run(["redis-server", *arguments], check=True)
        wait_until("Redis answering", lambda: self.cli("ping") == "PONG", 30, interval=0.1)

    def stop(self):
        # SHUTDOWN writes the append-only file out, as `systemctl stop redis` does.
        self.cli("shutdown")
        wait_until("Redis stopping", lambda: self.cli("ping") != "PONG", 30, interval=0.1)

    def empty(self):
        shutil.rmtree(self.dir / "appendonlydir", ignore_errors=True)


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
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="smmdash-production-"))
    redis = Redis(work)
    redis.start()
    web_port, simulator_port = free_port(), free_port()
    # The README's Production section: settings in one file that ENV_FILE names, read by every
    # process (and by bin/supervise, for the Procfile's own variables); the virtualenv first on
    # PATH.
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
        "CELERY_BROKER_URL": redis.url,
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
        check(stack, env, options, redis, work, web_port, simulator_port)
    except BaseException:
        stack.stop()
        for name, text in stack.logs().items():
            print(
                f"\n===== {name}.log (last 60 lines) =====\n" + "\n".join(text.splitlines()[-60:])
            )
        raise
    finally:
        redis.cli("shutdown", "nosave")
    stack.stop()
    print("Production check passed.")


def check(stack, env, options, redis, work, web_port, simulator_port):
    step(f"Fresh database {urlsplit(options.database_url).path.lstrip('/')}; bin/release")
    fresh_database(options.database_url)
    subprocess.run(["bin/release"], cwd=ROOT, env={**env, "PYTHON": PYTHON}, check=True)
    stack.run("createsuperuser", "--noinput", "--username", "owner", "--email", "o@example.com")

    step("Simulated panels, then the Procfile's processes under bin/supervise")
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
    # Stopped within the 20 s Stack.stop gives each process, workers included.
    stack.start("supervise", ["bin/supervise", "-e", env["ENV_FILE"], "--stop-timeout", "15"])
    base = f"http://127.0.0.1:{web_port}"

    def answering():
        try:
            return requests.get(base + "/health/", headers={"Host": "127.0.0.1"}, timeout=10)
        except (requests.ConnectionError, requests.Timeout):
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
    report = wait_until("a healthy report", lambda: healthy(answering()), timeout=30)
    print("    " + json.dumps(report))
    assert (
        report["last_order_poll_age_seconds"] < 60 and report["last_catalog_sync_age_seconds"] < 300
    )
    background = browser.get("/background/")
    assert "Work is waiting" not in background.text and "orders@" in background.text

    orders_through_restarts(stack, redis, work, panels)
    report = wait_until("a healthy report again", lambda: healthy(answering()), timeout=60)
    print("    " + json.dumps(report))

    step("Every log line is JSON; the key is in none")
    stack.stop()
    logs = stack.logs()
    for name in ("supervise",):
        lines = [line.split("| ", 1)[-1] for line in logs[name].splitlines() if "| " in line]
        app_lines = [line for line in lines if line.startswith("{")]
        assert app_lines, f"no JSON log lines in {name}"
        for line in app_lines:
            json.loads(line)
    for name, text in logs.items():
        assert key not in text, f"the API key is in {name}.log"
    worker_log = logs["supervise"]
    assert "submit_order" in worker_log and "run_catalog_sync" in worker_log
    assert "poll_provider_orders" in worker_log


def healthy(response):
    """The /health/ report, when it says all is well."""
    return response is not None and (body := response.json())["status"] == "ok" and body


LOAD_ORDERS = 300
# Orders placed one after another, as staff and mass orders would, each for a link of its own
# at SMM Provider, except that every tenth link is ordered twice in a row at smmub, whose spam
# protection turns the second away for a few seconds: that send waits out a countdown, and the
# workers hold such retries when Redis goes away.
LOAD = """
import time
from orders import services
from providers.models import Service
def cheapest(provider):
    found = Service.objects.filter(provider__name=provider, active=True, type="Default")
    return found.order_by("rate").first()
plain, spam_protected = cheapest("SMM Provider"), cheapest("smmub")
for number in range({count}):
    service = spam_protected if number % 10 < 2 else plain
    link = "{link}" + (f"twice_{{number // 10}}" if service == spam_protected else str(number))
    try:
        services.create_order(service, link=link, quantity=service.min)
    except Exception as error:  # saved as queued; handing it to a worker failed
        print("not handed over", number, type(error).__name__, flush=True)
    print("created", number, flush=True)
    time.sleep(0.15)
"""
LOAD_LINK = "https://t.me/smmdash_load_"
ADD_SPAM_PROTECTED_PANEL = """
from providers.models import Provider
from providers import services
provider = services.save_provider(Provider(name="smmub", api_url={url!r}), api_key={key!r})
services.refresh_balance(provider)
print(services.sync_catalog(provider).status)
"""
SETTLE_WITHIN = 60  # seconds after Redis is back
REDIS_DOWN = 3  # seconds


def orders_through_restarts(stack, redis, work, panels):
    """Hundreds of orders while Redis restarts on its append-only file, a worker is killed,
    and Redis restarts emptied: every order is settled within a minute of Redis being back,
    sent at most once, and none is cut off mid-send (none needs checking)."""
    step(f"{LOAD_ORDERS} orders flowing while Redis restarts twice and a worker is killed")
    smmub = panels["smmub"]
    added = stack.query(ADD_SPAM_PROTECTED_PANEL.format(url=smmub["url"], key=smmub["key"]))
    assert added == "ok", added
    load = stack.start(
        "load",
        [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            LOAD.format(count=LOAD_ORDERS, link=LOAD_LINK),
        ],
    )

    def created(at_least):
        text = (work / "load.log").read_text()
        return len(re.findall(r"^created ", text, re.MULTILINE)) >= at_least

    supervised = work / "supervise.log"

    def pid_of(name):
        return int(re.findall(rf"started {name} \(pid (\d+)\)", supervised.read_text())[-1])

    wait_until("a third of the orders", lambda: created(LOAD_ORDERS // 3), timeout=120)
    print("    Redis stops and starts again on its append-only file")
    redis.stop()
    time.sleep(REDIS_DOWN)
    redis.start()
    wait_until("half of the orders", lambda: created(LOAD_ORDERS // 2), timeout=120)
    print("    The panels worker is killed (SIGKILL)")
    os.kill(pid_of("panels"), signal.SIGKILL)
    wait_until("two thirds of the orders", lambda: created(2 * LOAD_ORDERS // 3), timeout=120)
    print("    Redis stops and starts again empty")
    redis.stop()
    redis.empty()
    time.sleep(REDIS_DOWN)
    redis.start()
    back = time.monotonic()
    load.wait(timeout=120)

    unsettled = (
        "from orders.models import Order as O; print(O.objects.filter("
        f"link__startswith={LOAD_LINK!r}, status__in=['queued', 'submitting']).count())"
    )
    wait_until(
        f"every order settled within {SETTLE_WITHIN} s of Redis being back",
        lambda: stack.query(unsettled) == "0",
        timeout=max(1, back + SETTLE_WITHIN - time.monotonic()),
    )
    print(f"    Every order settled {time.monotonic() - back:.0f} s after Redis was back")

    orders = json.loads(
        stack.query(
            "import json; from orders.models import Order as O; print(json.dumps(list("
            f"O.objects.filter(link__startswith={LOAD_LINK!r})"
            ".values('link', 'status', 'provider_order_id'))))"
        )
    )
    statuses = sorted({order["status"] for order in orders})
    print(f"    {len(orders)} orders: {', '.join(statuses)}")
    assert len(orders) == LOAD_ORDERS, f"{LOAD_ORDERS - len(orders)} orders lost"
    assert not [order for order in orders if order["status"] == "unknown"], "a send was cut off"
    # The panels' own ledgers: as many orders for each link as smmdash placed, under its ids.
    books = json.loads((work / "panels-orders.json").read_text())
    at_panels, placed = {}, {}
    for panel in books.values():
        for order in panel["orders"]:
            at_panels.setdefault(order["link"], []).append(str(order["order_id"]))
    for order in orders:
        if order["status"] in {"pending", "in_progress", "completed", "partial"}:
            placed.setdefault(order["link"], []).append(order["provider_order_id"])
    load_links = {order["link"] for order in orders}
    for link in load_links:
        assert sorted(at_panels.get(link, [])) == sorted(placed.get(link, [])), link

    log = supervised.read_text()
    assert "Unrecoverable error" not in log, "a worker died"
    assert "Messages held when the broker went away, given back" in log
    assert not re.search(r"supervise +\| (worker|beat|web) exited", log), log[-3000:]
    assert re.search(r"panels exited with code -9; starting it again", log)
    assert len(re.findall(r"started panels \(pid", log)) == 2, "the killed worker is not back"


if __name__ == "__main__":
    main()
