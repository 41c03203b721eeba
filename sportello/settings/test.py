"""Test settings: the same as one machine, with fast hashing and mail kept in memory."""

from sportello.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": TASK_QUEUES}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Position changes push to ACA after commit; by default tests send those pushes to a
# port where nothing listens (the discard port), never to a portal a developer may be
# running on SITE_URL. ACA tests point it at the live server's sandbox.
PAGOPA_ACA_URL = "http://127.0.0.1:9/aca/v1"
HUMAN_CHECK_COST = 1  # the tests solve challenges in Python
# The same for App IO: only the tests that point it at the live server's sandbox send.
APPIO_URL = "http://127.0.0.1:9/io/api/v1"
# The webhook tests' receivers listen on loopback.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
