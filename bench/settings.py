"""The production settings, as the benchmarks serve them (``bench/run.py`` sets the
environment: secrets, database, SITE_URL). Three departures, each because the benchmark
speaks plain HTTP on loopback where production has a TLS proxy in front: no redirect to
HTTPS and cookies not marked Secure; and a trivial view plus a query-count header that
production does not have."""

from sportello.env import env_bool, env_str
from sportello.settings.production import *  # noqa: F403
from sportello.settings.production import MIDDLEWARE

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]

# The deadline-day scenario (bench/deadline_day.py) pays through the built-in sandbox,
# which production refuses: the sandbox needs to reach the portal at its loopback address.
if env_bool("BENCH_SANDBOX", False):
    SANDBOX_ENABLED = True
    SITE_URL = env_str("BENCH_SITE_URL")
