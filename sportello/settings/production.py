"""Production settings: secure by default, refuse to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from sportello.env import env_bool, env_int, env_list, env_str
from sportello.settings import *  # noqa: F403
from sportello.settings import INSECURE_DEV_SECRET_KEY, SECRET_KEY, SITE_URL

DEBUG = False
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters.")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the public https:// address of the portal.")

# The EC endpoint the pagoPA Node calls must know who the Node is.
if not env_list("PAGOPA_NODE_ALLOWED_IPS") and not env_str("PAGOPA_NODE_SECRET"):
    raise ImproperlyConfigured(
        "Set PAGOPA_NODE_ALLOWED_IPS (the Node's addresses) and/or PAGOPA_NODE_SECRET: "
        "/pagopa/paForNode must not answer anyone.")
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", False)

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
