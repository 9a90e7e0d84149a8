import secrets
import subprocess
import sys

from django.conf import settings

from tests.processes import clean_env


def run_manage(*args, **env_overrides):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_production_configuration_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="smm.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.BASE_CURRENCY, s.TIME_ZONE, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])",
        DEBUG="true",
        BASE_CURRENCY="eur",
        TIME_ZONE="Europe/Moscow",
        ALLOWED_HOSTS="a.example,b.example",
        DATABASE_URL="postgres://u:p@db.example:5432/smm",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "EUR Europe/Moscow ['a.example', 'b.example'] django.db.backends.postgresql"
        in result.stdout
    )


DESCRIBE_THE_BROKER = (
    "import django; django.setup(); from smmdash.celery import app; "
    "print(app.connection_for_write().as_uri())"
)


def test_the_default_broker_is_described_without_kombus_missing_hostname_warning():
    # Workers and beat describe their broker on start; `bin/dev` printed kombu's warning thrice.
    for configured in (None, "filesystem://"):  # the default, and as the README once said
        env = clean_env(DEBUG="true")
        env.pop("CELERY_BROKER_URL", None)
        if configured:
            env["CELERY_BROKER_URL"] = configured
        result = subprocess.run(
            [sys.executable, "-c", DESCRIBE_THE_BROKER],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("filesystem://")
        assert "No hostname was supplied" not in result.stdout + result.stderr
