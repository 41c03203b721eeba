"""Production settings: secure by default, refuse to start when misconfigured.

Every refusal is an ImproperlyConfigured naming the variable to fix. The pagoPA Node is
recognised by its shared secret (required); its address list is an optional extra with
no default here (the development loopback default must not survive)."""

from ipaddress import ip_network

from django.core.exceptions import ImproperlyConfigured

from sportello.env import env_bool, env_int, env_list, env_str
from sportello.logging_config import logging_config
from sportello.settings import *  # noqa: F403
from sportello.settings import (
    ALLOWED_HOSTS,
    INSECURE_DEV_SECRET_KEY,
    SCHEDULE,
    SECRET_KEY,
    SITE_URL,
)

# A secret must be long and not a repetition: distinct characters, at least.
SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_DISTINCT = 50, 10
NODE_SECRET_MIN_LENGTH, NODE_SECRET_MIN_DISTINCT = 32, 10
# An address list wider than this is not a list of the Node's addresses.
NODE_NETWORK_MIN_PREFIX = {4: 16, 6: 32}


def _require_strong(name: str, value: str, min_length: int, min_distinct: int) -> None:
    if len(value) < min_length or len(set(value)) < min_distinct:
        raise ImproperlyConfigured(
            f"{name} must be a random value of at least {min_length} characters "
            f"(and at least {min_distinct} different ones).")


DEBUG = False
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters.")
if SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("SECRET_KEY must not be a django-insecure- development key.")
_require_strong("SECRET_KEY", SECRET_KEY, SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_DISTINCT)
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the public https:// address of the portal.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names, not '*'.")

# The EC endpoint the pagoPA Node calls: the shared secret is required (compared in
# constant time, see payments/node_auth.py); the address list is an extra check.
PAGOPA_NODE_SECRET = env_str("PAGOPA_NODE_SECRET") or ""
if not PAGOPA_NODE_SECRET:
    raise ImproperlyConfigured(
        "PAGOPA_NODE_SECRET must be set: /pagopa/paForNode must not answer anyone.")
_require_strong("PAGOPA_NODE_SECRET", PAGOPA_NODE_SECRET,
                NODE_SECRET_MIN_LENGTH, NODE_SECRET_MIN_DISTINCT)
PAGOPA_NODE_ALLOWED_IPS = env_list("PAGOPA_NODE_ALLOWED_IPS", [])
for _value in PAGOPA_NODE_ALLOWED_IPS:
    try:
        _network = ip_network(_value, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"PAGOPA_NODE_ALLOWED_IPS: {_value!r} is not an address or network.") from exc
    if _network.prefixlen < NODE_NETWORK_MIN_PREFIX[_network.version]:
        raise ImproperlyConfigured(
            f"PAGOPA_NODE_ALLOWED_IPS: {_value!r} is too wide (IPv4 needs a /"
            f"{NODE_NETWORK_MIN_PREFIX[4]} or narrower, IPv6 a /{NODE_NETWORK_MIN_PREFIX[6]}).")

# The built-in pagoPA simulator pays anything: never in production.
if env_bool("SANDBOX_ENABLED", False):
    raise ImproperlyConfigured("SANDBOX_ENABLED must be false in production.")
SANDBOX_ENABLED = False

# SPID/CIE: the demo identity provider signs for anyone who clicks a name, so production
# refuses to start with it; the SP's key and certificate must be real files.
if env_bool("DEMO_IDP_ENABLED", False):
    raise ImproperlyConfigured("DEMO_IDP_ENABLED must be off in production: the demo "
                               "identity provider lets anyone log in as anyone.")
DEMO_IDP_ENABLED = False
SPID_REQUIRE_KEY_FILES = True

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line, for the log collector (LOG_JSON=false for plain lines).
LOGGING = logging_config(json=env_bool("LOG_JSON", True), level=env_str("LOG_LEVEL") or "INFO")

# The identity providers renew their certificates: fetch their metadata daily.
SCHEDULE = {**SCHEDULE, "identity_fetch_metadata": env_int(
    "SCHEDULE_IDENTITY_FETCH_METADATA_SECONDS", 86400)}

# Webhooks never reach private, loopback or reserved addresses unless the operator says
# so (an Ente whose systems live on its intranet): see webhooks/targets.py.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
