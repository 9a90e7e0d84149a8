"""smmdash settings: everything comes from the environment (or a .env file).

The defaults are safe: with nothing set, DEBUG is off and the process refuses to
start without a SECRET_KEY. `bin/dev` writes a .env for local use; .env.example
documents every variable.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Queue

from smmdash.lib.send_limits import SEND_CERTAINLY_OVER_AFTER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Real environment variables always win over the file.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without one: "
            "set SECRET_KEY in the environment to a long random string."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The project's own package, as an app for its shared template tags (smmdash/templatetags).
    "smmdash",
    "dashboard",
    "accounts",
    "providers",
    "rates",
    "scores",
    "compare",
    "orders",
    "shops",
    "spend",
    "alerts",
]
# The demo (setup_demo, runsimulator) only where someone tries smmdash out: a production
# install imports no simulator.
DEMO = env.bool("DEMO", default=DEBUG)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Then the second factor, for whoever has one or must have one.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "smmdash.errors.NotFoundPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smmdash.urls"
WSGI_APPLICATION = "smmdash.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context_processors.staff",
                "rates.context_processors.exchange_rates",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'smmdash.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share one file: WAL lets readers run
    # beside a writer, IMMEDIATE transactions take the write lock up front
    # instead of failing half-way, and busy_timeout waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# Staff choose with the switch in the header; the browser's Accept-Language decides until then.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The choice outlives the browser session: a year, like the login's "remember me" would.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
# The language alerts are written and sent in: the worker writes them, with no request (and so
# no one's choice) to go by.
ALERT_LANGUAGE = env.str("ALERT_LANGUAGE", default=LANGUAGE_CODE)
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Dates ("7 Dec 2026, 16:51") and numbers as smmdash writes them, per language: see
# smmdash.lib.moments and smmdash.lib.numbers.
FORMAT_MODULE_PATH = ["smmdash.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Security ---------------------------------------------------------------
# No inline script or style anywhere, so the policy can stay this strict.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and monitors probe over plain HTTP on the private side.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto and appends the client's address
# to X-Forwarded-For. Off, both headers are ignored: anyone could send them.
BEHIND_PROXY = env.bool("SECURE_PROXY_SSL_HEADER", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES. Keying on the pair means a
# stranger cannot lock a colleague out from elsewhere. A success clears the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in (django-otp): who must have it. "managers" (the default in production):
# the Manage providers role, who can change where money goes; "everyone"; or "none" (the demo's
# default). Anyone may turn it on for themselves from their account page.
TWO_FACTOR_REQUIRED = env.str("TWO_FACTOR_REQUIRED", default="none" if DEBUG else "managers")
if TWO_FACTOR_REQUIRED not in ("none", "managers", "everyone"):
    raise ImproperlyConfigured(
        f"TWO_FACTOR_REQUIRED is {TWO_FACTOR_REQUIRED!r}: use none, managers or everyone."
    )
OTP_TOTP_ISSUER = "smmdash"
# A form posted with a missing or stale CSRF token: a page (or, for htmx, a reload) saying so.
CSRF_FAILURE_VIEW = "dashboard.views.csrf_failure"
AXES_CLIENT_IP_CALLABLE = "smmdash.lib.security.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
# Error reports hide credential fields in query strings too, not only in posted forms.
DEFAULT_EXCEPTION_REPORTER_FILTER = "smmdash.errors.SecretsHiddenFilter"
DEFAULT_EXCEPTION_REPORTER = "smmdash.errors.SecretsHiddenReporter"
X_FRAME_OPTIONS = "DENY"

# --- smmdash ----------------------------------------------------------------
# The currency prices and balances are compared in.
BASE_CURRENCY = env.str("BASE_CURRENCY", default="USD").upper()
# Fernet keys that encrypt provider API keys at rest, newest first; every key is
# tried when reading, the first one writes. See .env.example.
PROVIDER_SECRET_KEYS = env.list("PROVIDER_SECRET_KEYS", default=[])
# How often beat asks the workers to report in; the dashboard calls the
# background worker down after three missed beats.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=30)
# Addresses someone typed (provider URLs, alert channels, the exchange-rate source) may point
# at loopback, private or link-local addresses only when this is on: the demo's simulator runs
# on loopback, production panels and services never do.
PROVIDER_ALLOW_PRIVATE_HOSTS = env.bool("PROVIDER_ALLOW_PRIVATE_HOSTS", default=DEBUG)
# A file of CA certificates that panels' HTTPS certificates are verified against, instead of
# the system's (empty: the system's). For a panel behind a private CA, or the simulator.
PANEL_CA_BUNDLE = env.str("PANEL_CA_BUNDLE", default="")
# How often balances are read from every enabled provider, and how often beat
# looks for providers whose catalog is due (each provider has its own interval).
BALANCE_REFRESH_SECONDS = env.int("BALANCE_REFRESH_SECONDS", default=300)
CATALOG_DISPATCH_SECONDS = env.int("CATALOG_DISPATCH_SECONDS", default=60)
# Order tracking: how often beat looks for open orders to check, how old an open
# order's status may get before it is read again, and how many requests a second
# smmdash sends to any one panel.
ORDER_POLL_DISPATCH_SECONDS = env.int("ORDER_POLL_DISPATCH_SECONDS", default=60)
ORDER_STATUS_MAX_AGE_SECONDS = env.int("ORDER_STATUS_MAX_AGE_SECONDS", default=120)
PANEL_REQUESTS_PER_SECOND = env.float("PANEL_REQUESTS_PER_SECOND", default=5.0)
# Orders whose send never reached a worker (the broker was down, a task was lost) and orders
# whose worker died mid-send: how often beat looks for them, how long after its send task was
# due a queued order is handed to a worker again (queued orders settle within a minute of the
# broker and database being back), and how long a send may look unfinished before it needs
# checking. That last must outlive any send (the task's time limit and a margin): a worker
# still alive may yet record the panel's answer, and an order given up on while it can would
# be sent twice. A shorter setting is refused.
ORDER_RECOVERY_SECONDS = env.int("ORDER_RECOVERY_SECONDS", default=10)
ORDER_QUEUED_STALLED_SECONDS = env.int("ORDER_QUEUED_STALLED_SECONDS", default=30)
ORDER_SENDING_STALLED_SECONDS = env.int(
    "ORDER_SENDING_STALLED_SECONDS", default=SEND_CERTAINLY_OVER_AFTER
)
if ORDER_SENDING_STALLED_SECONDS < SEND_CERTAINLY_OVER_AFTER:
    raise ImproperlyConfigured(
        f"ORDER_SENDING_STALLED_SECONDS is {ORDER_SENDING_STALLED_SECONDS}, shorter than a send "
        f"of an order may last: set it to at least {SEND_CERTAINLY_OVER_AFTER} (or leave it "
        "unset), or an order whose worker is still sending it could be sent twice."
    )
# Exchange rates: where reference rates are fetched from ({base} is BASE_CURRENCY; empty
# turns fetching off, leaving rates to staff) and how often.
EXCHANGE_RATES_URL = env.str(
    "EXCHANGE_RATES_URL", default="https://open.er-api.com/v6/latest/{base}"
)
EXCHANGE_RATES_FETCH_SECONDS = env.int("EXCHANGE_RATES_FETCH_SECONDS", default=6 * 3600)
# The dashboard's feed lists rate changes of at least this many percent.
NOTABLE_PRICE_MOVE_PERCENT = env.int("NOTABLE_PRICE_MOVE_PERCENT", default=10)
# Scorecards show a share only out of at least this many finished orders.
SCORECARD_MIN_ORDERS = env.int("SCORECARD_MIN_ORDERS", default=10)
# Best value counts a service with no delivery record (nor its provider) as delivering this
# share, so a new panel can still win orders and earn a record.
UNPROVEN_DELIVERED_SHARE = Decimal(env.str("UNPROVEN_DELIVERED_SHARE", default="0.8"))
# Routed orders (Buy) skip a provider whose API answered less than this share of calls in
# the last 7 days.
HEALTHY_API_SHARE = Decimal(env.str("HEALTHY_API_SHARE", default="0.9"))

# Shops (the panel API at /api/v2): an add repeated within this many seconds (the same shop,
# product, link, quantity and fields) is the first order again; the largest request body
# accepted; how often beat settles shop orders and prices the products shops buy.
SHOP_ADD_REPEAT_WINDOW = env.int("SHOP_ADD_REPEAT_WINDOW", default=600)
SHOP_API_MAX_BODY = env.int("SHOP_API_MAX_BODY", default=64 * 1024)
# Calls a minute with a key that opens no shop (wrong, or a disabled shop's) from one client
# address; past it, that address is refused (429) before any key is looked up.
SHOP_API_WRONG_KEYS_PER_MINUTE = env.int("SHOP_API_WRONG_KEYS_PER_MINUTE", default=30)
SHOP_TICK_SECONDS = env.int("SHOP_TICK_SECONDS", default=30)
SHOP_PRICING_SECONDS = env.int("SHOP_PRICING_SECONDS", default=60)

# Alerts: how often the rules are looked at, the address links in messages start with (empty:
# messages carry no links), and email. EMAIL_URL is an SMTP server's URL, e.g.
# smtp+tls://user:password@mail.example.com:587 (django-environ's email URL).
ALERTS_EVALUATE_SECONDS = env.int("ALERTS_EVALUATE_SECONDS", default=60)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {key: value for key, value in _smtp_options.items() if value not in (None, "")}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="smmdash <smmdash@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------
# The default broker needs no server: messages are files under var/broker.
# Production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.rstrip("/") == "filesystem:":
    # The filesystem transport has no host, but kombu, given none, logs "No hostname was
    # supplied. Reverting to default 'localhost'" each time it describes the broker (every
    # worker's and beat's banner). Naming the host it would use anyway says nothing to log.
    CELERY_BROKER_URL = "filesystem://localhost/"
    if "CELERY_BROKER_URL" in os.environ:
        os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL  # Celery reads it before settings
CELERY_FILESYSTEM_BROKER_DIR = Path(
    env.str("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker"))
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport with a guard that keeps workers alive through a Redis restart
    # and gives back at once the messages they held (smmdash/lib/redis_broker.py).
    CELERY_BROKER_TRANSPORT = "smmdash.lib.redis_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and never acknowledged (it died, or lost Redis and could
        # not give it back) goes to another worker after this long, instead of kombu's hour.
        # It must outlast the longest a live worker holds a message: waiting for a free slot
        # behind the longest task (a sync or poll, 5 min), then a send, which is acknowledged
        # only when it ends (2 min), after a countdown retry's wait (30 s). A countdown longer
        # than that (a panel asking to wait minutes) is delivered twice, which a send's claim
        # makes harmless (tests/production/test_broker.py checks the sum).
        "visibility_timeout": 10 * 60,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses the broker keeps its running tasks going rather than killing them.
# Killing one stops a send mid-flight: the request may have reached the panel, so the order
# would be left needing checking by staff. Left running, it finishes and records the panel's
# answer; its message (a send is acknowledged late, at its end, so that a worker dying before
# the send claims the order leaves it to be delivered again) cannot be acknowledged on the
# lost connection and is delivered again, and that second run finds the order claimed and
# does nothing. Celery's default becomes True in 6.0, hence set here.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Work is split by kind, so that a worker can be given only some of it (`celery worker -Q`):
# orders - sending orders, which staff wait for; panels - status polls and balances, short
# requests; catalogs - catalog syncs and exchange rates, long and heavy; celery - beat's
# dispatchers and the heartbeat, which take milliseconds. A worker started without -Q takes all.
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "orders", "panels", "catalogs")]
CELERY_TASK_ROUTES = {
    "orders.tasks.submit_order": {"queue": "orders"},
    "orders.tasks.poll_provider_orders": {"queue": "panels"},
    "providers.tasks.refresh_balance": {"queue": "panels"},
    "providers.tasks.run_catalog_sync": {"queue": "catalogs"},
    "rates.tasks.fetch_exchange_rates": {"queue": "catalogs"},
    "alerts.tasks.deliver": {"queue": "panels"},
    "shops.tasks.route_shop_order": {"queue": "orders"},
    "shops.tasks.ask_panel": {"queue": "panels"},
    "shops.tasks.price_products": {"queue": "catalogs"},
}
# A worker takes one message per free slot: a long sync never holds back messages that
# another worker could run now.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "dashboard.tasks.heartbeat",
        "schedule": WORKER_HEARTBEAT_SECONDS,
        # A heartbeat nobody picked up in time says nothing about now.
        "options": {"expires": WORKER_HEARTBEAT_SECONDS},
    },
    "refresh-balances": {
        "task": "providers.tasks.refresh_balances",
        "schedule": BALANCE_REFRESH_SECONDS,
        "options": {"expires": BALANCE_REFRESH_SECONDS},
    },
    "dispatch-catalog-syncs": {
        "task": "providers.tasks.dispatch_catalog_syncs",
        "schedule": CATALOG_DISPATCH_SECONDS,
        "options": {"expires": CATALOG_DISPATCH_SECONDS},
    },
    "evaluate-alerts": {
        "task": "alerts.tasks.evaluate_alerts",
        "schedule": ALERTS_EVALUATE_SECONDS,
        "options": {"expires": ALERTS_EVALUATE_SECONDS},
    },
    "dispatch-order-polls": {
        "task": "orders.tasks.dispatch_order_polls",
        "schedule": ORDER_POLL_DISPATCH_SECONDS,
        "options": {"expires": ORDER_POLL_DISPATCH_SECONDS},
    },
    "shops-tick": {
        "task": "shops.tasks.tick",
        "schedule": SHOP_TICK_SECONDS,
        "options": {"expires": SHOP_TICK_SECONDS},
    },
    "price-shop-products": {
        "task": "shops.tasks.price_products",
        "schedule": SHOP_PRICING_SECONDS,
        "options": {"expires": SHOP_PRICING_SECONDS},
    },
    "recover-orders": {
        "task": "orders.tasks.recover_orders",
        "schedule": ORDER_RECOVERY_SECONDS,
        "options": {"expires": ORDER_RECOVERY_SECONDS},
    },
}

if EXCHANGE_RATES_URL:
    CELERY_BEAT_SCHEDULE["fetch-exchange-rates"] = {
        "task": "rates.tasks.fetch_exchange_rates",
        "schedule": EXCHANGE_RATES_FETCH_SECONDS,
        "options": {"expires": EXCHANGE_RATES_FETCH_SECONDS},
    }

# --- Logging ----------------------------------------------------------------
# One JSON object a line in production (LOG_FORMAT=json, the default unless DEBUG), for a log
# collector to index; plain lines for people at a terminal. Either way RedactSecrets masks
# anything shaped like a credential that some library might log.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "smmdash.logs.RedactSecrets"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its start-up banner, in every process; its login failures are still logged.
        "axes.apps": {"level": "WARNING"},
        # runserver's request lines, query strings included, through the masking handler
        # rather than Django's own.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
