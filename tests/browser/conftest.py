"""Browser tests: Playwright drives Debian's Chromium against a live server.

Chromium comes from the system (`apt-get install chromium`), since Playwright's
own browser download is not possible everywhere. Without it these tests are
skipped, except under CI (CI=true), where a skip would hide a missing browser
and so fails instead. Every test leaves a screenshot in var/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots")
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


SKIPPED_IN_CI = []


def pytest_runtest_logreport(report):
    if os.environ.get("CI") and report.skipped and "browser" in report.keywords:
        SKIPPED_IN_CI.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # However a browser test came to be skipped, CI must not pass without it.
    if SKIPPED_IN_CI:
        print(f"\nBrowser tests may not be skipped in CI: {', '.join(SKIPPED_IN_CI)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM}: install it with 'apt-get install chromium'"
        if os.environ.get("CI"):
            pytest.fail(reason + " (browser tests may not be skipped in CI)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make meanwhile are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


NOT_PROBLEMS = ("Failed to load resource", "htmx:sendAbort", "htmx:afterRequest")


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []

    def on_console(message):
        # Failed loads are reported below with their URL; a page the test meant to be a 403
        # or 404 is not a problem, nor a poll htmx cut short as the test moved on (sendAbort,
        # and the unsuccessful afterRequest that goes with it).
        if message.type == "error" and not message.text.startswith(NOT_PROBLEMS):
            problems.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()
    # A Content-Security-Policy violation or a script error is a failure.
    assert not problems, f"browser console errors: {problems}"


@pytest.fixture
def snap(page, request):
    """Save a screenshot now, named after the test and `step`, beside the final one."""

    def snap(step):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}--{step}")
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return snap


@pytest.fixture
def background(processes, tmp_path):
    """Start a real Celery worker, and beat if asked, on this run's database and broker.

    Beat looks for order statuses to read every second; catalogs and balances are left to the
    tests, so nothing else moves while a test watches.
    """
    from tests.processes import worker_env

    env = worker_env(
        tmp_path,
        ORDER_POLL_DISPATCH_SECONDS=1,
        ORDER_STATUS_MAX_AGE_SECONDS=1,
        CATALOG_DISPATCH_SECONDS=3600,
        BALANCE_REFRESH_SECONDS=3600,
        WORKER_HEARTBEAT_SECONDS=2,
    )

    def start(*, beat=False):
        processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=env)
        if beat:
            processes.celery("beat", "beat", "--loglevel=INFO", env=env)

    return start


@pytest.fixture
def log_in(page, live_server):
    """Put a logged-in session for `user` into the browser (the form has its own test)."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return log_in
