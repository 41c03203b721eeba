"""Settings for one machine, overridable through environment variables.

The names are part of the interface (see docs/architecture.md): DATABASE_URL, EMAIL_URL,
SECRET_KEY, ALLOWED_HOSTS, DEBUG, SITE_URL, PAGOPA_CHECKOUT_URL, PAGOPA_CHECKOUT_KEY,
CACHE_URL. Production adds its own checks in ``sportello.settings.production``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from sportello.email_url import email_settings
from sportello.env import env_bool, env_int, env_list, env_str

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
    "django.contrib.admin",
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
    "axes",
    "django_countries",
    "sportello",
    "organizations",
    "accounts",
    "catalog",
    "positions",
    "mail",
    "payments",
    "documents",
    "sandbox",
    "identity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sportello.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sportello.middleware.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",
]

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
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL")
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

# Email: files under var/mail by default, so a developer can read what was sent.
EMAIL_URL = env_str("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
globals().update(email_settings(EMAIL_URL, VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Sportello pagoPA <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# pagoPA Checkout: unset means the built-in sandbox.
PAGOPA_CHECKOUT_URL = env_str("PAGOPA_CHECKOUT_URL") or ""
PAGOPA_CHECKOUT_KEY = env_str("PAGOPA_CHECKOUT_KEY") or ""
# Carts API version (1 or 2: v2 adds returnWaitingUrl).
PAGOPA_CHECKOUT_VERSION = env_int("PAGOPA_CHECKOUT_VERSION", 2)
# ACA paCreatePosition base URL (e.g. https://api.platform.pagopa.it/aca/v1); unset means
# the built-in sandbox's ACA.
PAGOPA_ACA_URL = env_str("PAGOPA_ACA_URL") or ""
PAGOPA_ACA_KEY = env_str("PAGOPA_ACA_KEY") or ""
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

# Anonymous "Ricerca pratica": attempts per client address (django-ratelimit syntax).
RICERCA_RATE = env_str("RICERCA_RATE") or "10/m"
# Header carrying the client address when behind a trusted reverse proxy (e.g.
# "HTTP_X_FORWARDED_FOR"); empty means REMOTE_ADDR.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER") or ""

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # fontTools (used by fpdf2 to subset the fonts of every PDF) logs each glyph at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}

FORM_RENDERER = "sportello.forms.FormRenderer"

# Accounts (see README, "Accounts"): activation and email-change links expire after
# this many hours; never-activated accounts are removed after it (purge_unactivated_accounts).
ACCOUNT_ACTIVATION_HOURS = env_int("ACCOUNT_ACTIVATION_HOURS", 48)
# Per client address (django-ratelimit syntax) on the public account forms.
ACCOUNT_REGISTER_RATE = env_str("ACCOUNT_REGISTER_RATE") or "20/h"
ACCOUNT_LOGIN_RATE = env_str("ACCOUNT_LOGIN_RATE") or "30/m"
ACCOUNT_EMAIL_RATE = env_str("ACCOUNT_EMAIL_RATE") or "10/h"  # reset and resend-activation
ACCOUNT_VERIFY_RATE = env_str("ACCOUNT_VERIFY_RATE") or "10/h"  # codice fiscale proofs
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one email from
# one address, that email is refused from that address for AXES_COOLOFF_MINUTES. Locking
# the pair (not the email alone) keeps a stranger from locking a payer out everywhere.
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
