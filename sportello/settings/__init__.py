"""Settings for one machine, overridable through environment variables.

The names are part of the interface (see docs/architecture.md): DATABASE_URL, EMAIL_URL,
SECRET_KEY, ALLOWED_HOSTS, DEBUG, SITE_URL, PAGOPA_CHECKOUT_URL, PAGOPA_CHECKOUT_KEY,
CACHE_URL. Production adds its own checks in ``sportello.settings.production``.
"""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sportello.email_url import email_settings
from sportello.env import env_bool, env_int, env_list, env_str
from sportello.logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SPORTELLO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# A development key only: production refuses to start with it (see production.py).
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or INSECURE_DEV_SECRET_KEY
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sportello.apps.AdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_guid",
    "axes",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sportello",
    "organizations",
    "audit",
    "accounts",
    "catalog",
    "positions",
    "mail",
    "payments",
    "documents",
    "webhooks",
    "reminders",
    "reconciliation",
    "appio",
    "api",
    "backoffice",
    "sandbox",
    "identity",
    "scheduling",
    "demo",
]

# Pay links and email reminders (see README, "Reminders and pay links"): a pay link opens
# until the position's last due date plus this many days; requests per client address to
# the pay-link and unsubscribe pages (django-ratelimit syntax).
REMINDERS_PAY_LINK_DAYS_AFTER_DUE = env_int("REMINDERS_PAY_LINK_DAYS_AFTER_DUE", 60)
REMINDERS_PAY_LINK_RATE = env_str("REMINDERS_PAY_LINK_RATE") or "30/m"

# Upward wiring, by name: accounts asks positions whether a notice was issued to a codice
# fiscale (the proof of a declared code) without importing it (docs/architecture.md).
ACCOUNTS_NOTICE_CHECK = "positions.search.notice_issued"
# And positions ask payments which options have a payment in progress (a live activation
# or cart), which staff may not change meanwhile (positions.editing).
POSITIONS_PAYMENT_IN_PROGRESS = "payments.status.options_in_progress"
# Likewise /healthz and /metrics (the kit) count the email outbox's due emails.
HEALTH_OUTBOX_DUE = "mail.outbox.due_count"

MIDDLEWARE = [
    # First: every later step (and its log lines, and the error pages) has the request id.
    "django_guid.middleware.guid_middleware",
    "sportello.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sportello.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the back office's second factor (backoffice/access.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "sportello.middleware.PrivatePagesMiddleware",
    # Inside CSP and the cache headers: the branded 405 page gets them like any page.
    "organizations.errors.MethodNotAllowedMiddleware",
    "axes.middleware.AxesMiddleware",
]

# A stale form's POST (logged in or out in another tab) gets the Ente's "page expired".
CSRF_FAILURE_VIEW = "organizations.errors.csrf_failure"
# A GET on an address that only takes a form's POST goes to the page holding the form
# (organizations.errors.MethodNotAllowedMiddleware), by URL name.
FORM_PAGES = {
    "payments:start": "positions:home",
    "documents:bundle-create": "positions:home",
    "positions:unfollow": "positions:followed",
    "accounts:switch": "positions:home",
    "accounts:logout": "positions:home",
    "accounts:logout_all": "positions:home",
    "identity_ente:spid_logout": "positions:home",
    "identity_ente:cie_logout": "positions:home",
    "backoffice:logout": "backoffice:home",
}

ROOT_URLCONF = "sportello.urls"
WSGI_APPLICATION = "sportello.wsgi.application"

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
                "django.template.context_processors.i18n",
                "sportello.context_processors.site",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    # The one-machine default keeps its SQLite file (and mail, uploads) under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sportello.sqlite3'}",
        # Persistent connections: a new PostgreSQL connection per request was the largest
        # fixed cost of a Node call (bench/RESULTS.md); the health check replaces one that
        # died (database restart, failover) before a request uses it.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the socket, not the server (one
    # round trip less on every request: sportello/dbbackend/base.py).
    DATABASES["default"]["ENGINE"] = "sportello.dbbackend"
    # Statements bound server-side and prepared by psycopg once a connection has run them
    # DATABASE_PREPARE_THRESHOLD times: PostgreSQL then stops planning them on every call
    # (planning was most of its CPU on a receipt, bench/RESULTS.md). 0 turns it off, e.g.
    # behind a pooler in transaction mode without prepared-statement support.
    _prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 2)
    if _prepare_threshold > 0:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": _prepare_threshold})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL")
# gunicorn processes of `manage.py serve` (threads each): 0 = one per core when the cache is
# shared (Redis), else one (the local-memory cache, hence the rate limits, is per process).
WEB_WORKERS = env_int("WEB_WORKERS", 0)
if _cache_url and _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _cache_url}}
else:
    # One process (make run serves with threads in a single worker): the local memory
    # cache is shared by every request, so rate limits hold. Several servers: CACHE_URL.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "sportello"}}

AUTH_USER_MODEL = "accounts.User"
# The lockout check (django-axes) runs first, then the ordinary email + password check.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Powerful browser features the portal never uses are off for it and anything it embeds.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
    "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock",
    "serial", "usb", "xr-spatial-tracking",
)}

# Email: files under var/mail by default, so a developer can read what was sent.
EMAIL_URL = env_str("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
globals().update(email_settings(EMAIL_URL, VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Sportello pagoPA <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Two queues, so a payer's receipt or email never waits behind bulk work: "default" for
# everything urgent (emails, receipts, ACA pushes, the sandbox Node's deliveries) and
# "bulk" for the ZIPs of selected rows. `manage.py serve` runs one worker for each;
# the urgent tasks also carry a higher priority, for a single worker on "*".
TASK_QUEUES = ["default", "bulk"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# pagoPA Checkout: unset means the built-in sandbox.
PAGOPA_CHECKOUT_URL = env_str("PAGOPA_CHECKOUT_URL") or ""
PAGOPA_CHECKOUT_KEY = env_str("PAGOPA_CHECKOUT_KEY") or ""
# Carts API version (1 or 2: v2 adds returnWaitingUrl).
PAGOPA_CHECKOUT_VERSION = env_int("PAGOPA_CHECKOUT_VERSION", 2)
# ACA paCreatePosition base URL (e.g. https://api.platform.pagopa.it/aca/v1); unset means
# the built-in sandbox's ACA.
PAGOPA_ACA_URL = env_str("PAGOPA_ACA_URL") or ""
PAGOPA_ACA_KEY = env_str("PAGOPA_ACA_KEY") or ""
# App IO Services API base URL (https://api.io.pagopa.it/api/v1); unset means the
# built-in sandbox's IO at SITE_URL/sandbox/io/api/v1. The keys are per Ente and service,
# entered in the back office (stored encrypted), never in settings.
APPIO_URL = env_str("APPIO_URL") or ""
# FdR organisations' API (reporting flows), e.g.
# https://api.platform.pagopa.it/fdr-org/service/v1; unset means the built-in sandbox's.
PAGOPA_FDR_URL = env_str("PAGOPA_FDR_URL") or ""
PAGOPA_FDR_KEY = env_str("PAGOPA_FDR_KEY") or ""
# A receipt no current flow reports after this many days goes to the work queue (PSPs
# publish a day's flow within a couple of working days: 5 covers a long weekend).
RECONCILIATION_UNREPORTED_DAYS = env_int("RECONCILIATION_UNREPORTED_DAYS", 5)
# Receipts older than this are not looked for in flows any more (nor at the first sync).
RECONCILIATION_LOOKBACK_DAYS = env_int("RECONCILIATION_LOOKBACK_DAYS", 60)
# A flow in force with no treasurer's credit this many days after its regulation date goes
# to the work queue (the SEPA credit is booked D+1; 3 covers a weekend).
RECONCILIATION_CREDIT_DAYS = env_int("RECONCILIATION_CREDIT_DAYS", 3)
# pagoPA's taxonomy of collection services as published (CSV of
# https://api.platform.pagopa.it/taxonomy/service/v1/taxonomy?extension=csv): when set,
# every taxonomy code of a service or transfer must be in it and valid today. Unset: the
# shape and the mandatory prefix only (9/0101002IM/).
PAGOPA_TAXONOMY_FILE = env_str("PAGOPA_TAXONOMY_FILE") or ""
# Who may call /pagopa/paForNode: client addresses or networks (CIDR) and/or a shared
# secret in a header. Both set: both must match. Production refuses to start without
# one of them configured explicitly (see production.py).
PAGOPA_NODE_ALLOWED_IPS = env_list("PAGOPA_NODE_ALLOWED_IPS", ["127.0.0.1", "::1"])
PAGOPA_NODE_SECRET = env_str("PAGOPA_NODE_SECRET") or ""
PAGOPA_NODE_SECRET_HEADER = env_str("PAGOPA_NODE_SECRET_HEADER") or "X-Pagopa-Node-Secret"
# The built-in pagoPA simulator at /sandbox/ (off in production settings).
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", True)
# How long the sandbox Node waits before re-sending a receipt the Ente did not take (the
# real Node waits an hour).
SANDBOX_RT_RETRY_SECONDS = env_int("SANDBOX_RT_RETRY_SECONDS", 10)

# SPID and CIE login (identity/, see README "SPID e CIE"). The SP's key and certificate
# come from files in production; elsewhere a pair is generated under var/identity/.
SPID_KEY_FILE = env_str("SPID_KEY_FILE") or ""
SPID_CERT_FILE = env_str("SPID_CERT_FILE") or ""
SPID_REQUIRE_KEY_FILES = False
# The Ente (slug) whose organisation and contact data the SP metadata carry (default: first).
SPID_ENTE = env_str("SPID_ENTE") or ""
# The accredited identity providers: identity/registry.json unless this names another file.
IDENTITY_REGISTRY_FILE = env_str("IDENTITY_REGISTRY_FILE") or ""
IDENTITY_CLOCK_SKEW_SECONDS = env_int("IDENTITY_CLOCK_SKEW_SECONDS", 30)
# SPID/CIE login starts per client address (each signs a request and stores it).
IDENTITY_LOGIN_RATE = env_str("IDENTITY_LOGIN_RATE") or "30/m"
# How long an AuthnRequest may wait for its response.
IDENTITY_REQUEST_MINUTES = env_int("IDENTITY_REQUEST_MINUTES", 10)
# The demo identity provider at /demo-idp/ (development only: production refuses it).
DEMO_IDP_ENABLED = env_bool("DEMO_IDP_ENABLED", True)

# Anonymous "Ricerca pratica" (django-ratelimit syntax). A front desk serves many people
# from one address: past RICERCA_CHECK_RATE from an address, or RICERCA_FISCAL_CODE_CHECK_RATE
# for one codice fiscale, each search asks for a human check (ALTCHA proof of work,
# sportello.human_check) instead of refusing; RICERCA_RATE per address and
# RICERCA_FISCAL_CODE_RATE per code are the hard limits (429) above that.
RICERCA_CHECK_RATE = env_str("RICERCA_CHECK_RATE") or "10/m"
RICERCA_RATE = env_str("RICERCA_RATE") or "60/m"
RICERCA_FISCAL_CODE_CHECK_RATE = env_str("RICERCA_FISCAL_CODE_CHECK_RATE") or "5/10m"
RICERCA_FISCAL_CODE_RATE = env_str("RICERCA_FISCAL_CODE_RATE") or "30/h"
# Work asked of the browser by a human check (SHA-256 iterations per attempt).
HUMAN_CHECK_COST = env_int("HUMAN_CHECK_COST", 5000)
# *Scarica selezionati (ZIP)*: requests per account and per client address (django-ratelimit
# syntax), and how many ZIPs one account may have waiting to be built at once. Each ZIP is
# seconds of worker time: one payer must not fill the queue.
DOCUMENTS_ZIP_RATE = env_str("DOCUMENTS_ZIP_RATE") or "10/h"
DOCUMENTS_ZIP_ADDRESS_RATE = env_str("DOCUMENTS_ZIP_ADDRESS_RATE") or "30/h"
DOCUMENTS_ZIP_MAX_PENDING = env_int("DOCUMENTS_ZIP_MAX_PENDING", 2)
# The pagoPA mark for the avviso's header: a PNG from pagoPA's asset pack, installed by
# the operator under the Ente's own licence to the mark (not shipped: see docs).
DOCUMENTS_PAGOPA_MARK = env_str("DOCUMENTS_PAGOPA_MARK") or ""
# The client address behind reverse proxies (see sportello/clientip.py): how many proxies
# of ours stand in front (counted from the right of TRUSTED_PROXY_HEADER) and/or their
# networks. Both unset: REMOTE_ADDR, the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_NETWORKS = env_list("TRUSTED_PROXY_NETWORKS", [])
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER") or "X-Forwarded-For"
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
for _network in TRUSTED_PROXY_NETWORKS:
    try:
        ip_network(_network, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_NETWORKS: {_network!r} is not an address or network.") from exc
if env_str("CLIENT_IP_HEADER"):
    # It trusted the first (client-written) entry; refusing beats silently changing meaning.
    raise ImproperlyConfigured(
        "CLIENT_IP_HEADER is no longer read: set TRUSTED_PROXY_COUNT (number of reverse "
        "proxies in front) and/or TRUSTED_PROXY_NETWORKS, and TRUSTED_PROXY_HEADER if "
        "the proxy does not use X-Forwarded-For.")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # Bootstrap Italia embeds one small font as a data: URI in its CSS.
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The REST API for the Ente's systems (api/): calls per token, and calls with a wrong or
# revoked token per client address (django-ratelimit syntax; 429 problem past them).
API_RATE = env_str("API_RATE") or "600/m"
API_AUTH_FAILURE_RATE = env_str("API_AUTH_FAILURE_RATE") or "30/m"

# Logs (see README, "Operations"): plain lines here, JSON lines in production (LOG_JSON
# overrides either way); each with the request id, codici fiscali and emails masked.
LOGGING = logging_config(json=env_bool("LOG_JSON", False), level=env_str("LOG_LEVEL") or "INFO")
# The request id (django-guid): a valid incoming X-Request-ID (a UUID, as a proxy makes
# one) is kept, anything else is replaced; the response carries it back.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True,
               "RETURN_HEADER": True, "EXPOSE_HEADER": False}

# /healthz says "degraded" when the oldest ready job has waited longer than this.
HEALTHZ_MAX_JOB_AGE_SECONDS = env_int("HEALTHZ_MAX_JOB_AGE_SECONDS", 300)
# /metrics (Prometheus) answers only "Authorization: Bearer <METRICS_TOKEN>"; unset: 404.
METRICS_TOKEN = env_str("METRICS_TOKEN") or ""

# The scheduled jobs (see scheduling/): seconds between two runs of each, 0 turns one
# off. `manage.py serve` runs the scheduler; the worker runs the jobs.
SCHEDULE = {
    # The outbox sweeper: retries emails that could not leave (SMTP down).
    "send_outbox": env_int("SCHEDULE_SEND_OUTBOX_SECONDS", 30),
    # ACA pushes still waiting (retries with back-off).
    "push_aca": env_int("SCHEDULE_PUSH_ACA_SECONDS", 60),
    # App IO messages still waiting (retries with back-off, Retry-After honoured).
    "send_io_messages": env_int("SCHEDULE_SEND_IO_MESSAGES_SECONDS", 60),
    "purge_document_bundles": env_int("SCHEDULE_PURGE_DOCUMENT_BUNDLES_SECONDS", 3600),
    "purge_unactivated_accounts": env_int("SCHEDULE_PURGE_UNACTIVATED_ACCOUNTS_SECONDS",
                                          3600),
    # Its report goes to the log (WARNING when there is something to look at).
    "reconcile_payments": env_int("SCHEDULE_RECONCILE_PAYMENTS_SECONDS", 86400),
    # pagoPA's reporting flows (FdR) of every Ente, then matching; a failed run leaves
    # the watermark where it was, so the next run fetches the same flows again.
    "sync_fdr": env_int("SCHEDULE_SYNC_FDR_SECONDS", 3600),
    # Finished job rows older than 14 days (the schedule itself adds thousands a day).
    "prune_db_task_results": env_int("SCHEDULE_PRUNE_DB_TASK_RESULTS_SECONDS", 86400),
    # The SPID/CIE identity providers' metadata (they renew their certificates): daily in
    # production; off on one machine, where the demo IdP needs none and nothing outside
    # can be reached.
    "identity_fetch_metadata": env_int("SCHEDULE_IDENTITY_FETCH_METADATA_SECONDS", 0),
    # Options of positions that stop being payable at their due date (positions.expiry).
    "expire_positions": env_int("SCHEDULE_EXPIRE_POSITIONS_SECONDS", 3600),
    # Webhook deliveries due (retries with back-off; the job queue sends the first try).
    "send_webhooks": env_int("SCHEDULE_SEND_WEBHOOKS_SECONDS", 60),
    # Email reminders of due dates (reminders.sending): hourly, so a day missed by a
    # stopped worker is caught up; each reminder goes once however often it runs.
    "send_reminders": env_int("SCHEDULE_SEND_REMINDERS_SECONDS", 3600),
    # File imports whose job stopped moving (a worker restarted) are queued again.
    "resume_imports": env_int("SCHEDULE_RESUME_IMPORTS_SECONDS", 60),
}

# Webhooks to the Ente's systems (webhooks/targets.py): private, loopback and reserved
# addresses (and http:// to loopback) only when this is on; production: off by default.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", DEBUG)
# Connect and read timeout of each POST, in seconds.
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 5)

# The back office's file import: at most this many rows and bytes per file.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 64 * 1024 * 1024)

FORM_RENDERER = "sportello.forms.FormRenderer"

# Accounts (see README, "Accounts"): activation and email-change links expire after
# this many hours; never-activated accounts are removed after it (purge_unactivated_accounts).
ACCOUNT_ACTIVATION_HOURS = env_int("ACCOUNT_ACTIVATION_HOURS", 48)
# Per client address (django-ratelimit syntax) on the public account forms.
ACCOUNT_REGISTER_RATE = env_str("ACCOUNT_REGISTER_RATE") or "20/h"
ACCOUNT_LOGIN_RATE = env_str("ACCOUNT_LOGIN_RATE") or "30/m"
ACCOUNT_EMAIL_RATE = env_str("ACCOUNT_EMAIL_RATE") or "10/h"  # reset and resend-activation
ACCOUNT_VERIFY_RATE = env_str("ACCOUNT_VERIFY_RATE") or "10/h"  # codice fiscale proofs
# Wrong current passwords (Cambia password, Cambia email), per account and per address:
# past it even the right one is refused until the window ends, so a stolen session
# cannot be used to guess the password.
ACCOUNT_PASSWORD_CHECK_RATE = env_str("ACCOUNT_PASSWORD_CHECK_RATE") or "5/15m"
# POSTs to /admin/login/ per client address (all usernames together; the lockout above
# counts one username at a time).
ADMIN_LOGIN_RATE = env_str("ADMIN_LOGIN_RATE") or "10/m"
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one email from
# one address, that email is refused from that address for AXES_COOLOFF_MINUTES. Locking
# the pair (not the email alone) keeps a stranger from locking a payer out everywhere.
# The back office's second factor: the name the authenticator apps show for the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER") or "Sportello"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# No per-login log of addresses and browsers; old failures are cleared once they no longer count.
AXES_DISABLE_ACCESS_LOG = True
