"""Settings for the test suite: the real settings, with test-only tweaks.

DATABASE_URL and CELERY_BROKER_URL still choose the database and broker, so
the same suite runs on SQLite and on PostgreSQL with Redis.
"""

import os
from pathlib import Path

# Tests never read the developer's .env, and need a key of their own.
os.environ["ENV_FILE"] = os.devnull
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 50)
# Two Fernet keys, so every test also proves that reading tries them all.
os.environ.setdefault(
    "PROVIDER_SECRET_KEYS",
    "dGVzdHMtb25seS1wcm92aWRlci1rZXktbnVtYmVyLTE=,dGVzdHMtb25seS1wcm92aWRlci1rZXktbnVtYmVyLTI=",
)
# The simulator the tests talk to is on loopback.
os.environ.setdefault("PROVIDER_ALLOW_PRIVATE_HOSTS", "true")
# Requests to the simulator are not paced, except where a test sets a pace itself.
os.environ.setdefault("PANEL_REQUESTS_PER_SECOND", "0")
# The simulator's HTTPS certificates are made in var/tests/ and verified against its own CA.
os.environ.setdefault(
    "PANEL_CA_BUNDLE", str(Path(__file__).parent.parent / "var" / "tests" / "simulator-ca.pem")
)
# The demo's commands are tested too.
os.environ.setdefault("DEMO", "true")
# Two-factor sign-in is tested where a test asks for it (tests/accounts).
os.environ.setdefault("TWO_FACTOR_REQUIRED", "none")
# No test reaches out to the internet for exchange rates; the rate tests name their source.
os.environ.setdefault("EXCHANGE_RATES_URL", "")

from smmdash.settings import *  # noqa: F403
from smmdash.settings import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker in another process shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders, as in development: the browser
# tests need them and nothing runs collectstatic first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
