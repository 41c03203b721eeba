"""Settings of the app servers and workers that tests/core/test_multi_server.py starts: the
one-machine settings (database job queue, CACHE_URL Redis from the environment) with the
tests' fast password hasher, so that the accounts the test creates log in."""

from sportello.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
