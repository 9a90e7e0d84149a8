"""A shop's key is never logged, even when its panel sends it in the query string: gunicorn
started as the Procfile starts it masks it in the access log, and so does runserver's log."""

import os
import re
import shlex
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.views.debug import get_exception_reporter_class, get_exception_reporter_filter

from shops import services
from tests.processes import BASE_DIR, clean_env, free_port, smmdash_env, wait_for


def procfile_command(name, **variables):
    """The Procfile's command for process `name`, its ${NAME:-default}s filled in."""
    line = next(
        line
        for line in (BASE_DIR / "Procfile").read_text().splitlines()
        if line.startswith(f"{name}:")
    )

    def value(match):
        return str(variables.get(match.group(1), match.group(2)))

    return shlex.split(re.sub(r"\$\{(\w+):-([^}]*)\}", value, line.split(":", 1)[1]))


def _answer(url, key):
    try:
        return requests.get(url, params={"key": key, "action": "balance"}, timeout=5).json()
    except requests.RequestException:
        return None


@pytest.mark.django_db(transaction=True)
def test_gunicorn_as_the_procfile_starts_it_logs_a_get_with_its_key_masked(processes):
    _, key = services.create_shop("Logged panel", credit=Decimal("12.5"))
    port = free_port()
    command = procfile_command("web", BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=1)
    assert command[0] == "gunicorn"
    command[0] = str(Path(sys.executable).parent / "gunicorn")
    env = smmdash_env(ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false")
    processes.start("web", command, env)
    url = f"http://127.0.0.1:{port}/api/v2"

    answer = wait_for(lambda: _answer(url, key), timeout=60)
    assert answer == {"balance": "12.5000", "currency": "USD"}
    assert wait_for(lambda: "GET /api/v2?" in processes.log("web"), timeout=10)

    log = processes.log("web")
    assert "key=[redacted]&action=balance" in log
    assert key not in log


def _answered(url, key):
    try:
        requests.get(url, params={"key": key, "action": "balance"}, timeout=5)
    except requests.RequestException:
        return False
    return True  # whatever the answer: this database has no tables


def test_runserver_logs_a_get_with_its_key_masked(processes, tmp_path):
    port = free_port()
    key = "0123456789abcdef0123456789abcdef"
    env = clean_env(
        SECRET_KEY="x" * 50,
        PROVIDER_SECRET_KEYS=os.environ["PROVIDER_SECRET_KEYS"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        DEBUG="true",
        LOG_FORMAT="plain",
    )
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    processes.start("runserver", command, env)

    assert wait_for(lambda: _answered(f"http://127.0.0.1:{port}/api/v2", key), timeout=60)
    assert wait_for(lambda: "GET /api/v2?" in processes.log("runserver"), timeout=10)

    log = processes.log("runserver")
    assert "GET /api/v2?key=[redacted]&action=balance" in log
    assert key not in log


def _report_of_a_failure(request):
    """A failure in a view that holds only the request, as Django reports it."""
    try:
        raise RuntimeError("a view failed")
    except RuntimeError:
        return get_exception_reporter_class(request)(request, *sys.exc_info())


def test_error_reports_hide_credentials_sent_in_the_query_string(rf, settings):
    """sensitive_post_parameters covers only the form: the project's reporter filter hides
    `key` (and the like) in a GET's query string too, in the GET table, the URL, the request's
    headers and the request in each frame's variables."""
    settings.DEBUG = False
    key, token = services.keys.new_key(), services.keys.new_key()
    reporter = _report_of_a_failure(
        rf.get("/api/v2", {"key": key, "action": "balance", "token": token})
    )
    for report in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert key not in report and token not in report
        assert "balance" in report  # what is not a credential is still reported
    cleansed = get_exception_reporter_filter(reporter.request).get_get_parameters(reporter.request)
    assert dict(cleansed.items())["key"] == "********************"
