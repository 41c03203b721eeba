"""Settings for bench/lighthouse.sh: one machine's settings, with static files served as in
production (collected, compressed, hashed names cached for a year by WhiteNoise), so that
Lighthouse measures what a citizen downloads, without production's HTTPS requirements."""

import os

from sportello.settings import *  # noqa: F403

DEBUG = False
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = os.environ["LIGHTHOUSE_STATIC_ROOT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
