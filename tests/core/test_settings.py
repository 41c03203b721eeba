import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sportello.email_url import email_settings
from sportello.env import env_bool, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_FLAG", "yes")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET", "plain")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_FLAG") is True
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_str("X_SECRET") == "from-file"
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")


def test_email_url_forms(tmp_path):
    smtp = email_settings("smtp://user:p%40ss@127.0.0.1:1025?tls=1", tmp_path)
    assert smtp["EMAIL_HOST"] == "127.0.0.1" and smtp["EMAIL_PORT"] == 1025
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss" and smtp["EMAIL_USE_TLS"] is True
    files = email_settings(f"file://{tmp_path}/mail", tmp_path)
    assert files["EMAIL_FILE_PATH"] == f"{tmp_path}/mail"
    with pytest.raises(ImproperlyConfigured):
        email_settings("carrier-pigeon://x", tmp_path)


def _manage(*args, **env):
    # A clean environment: nothing of the test run (settings module, async flags) leaks in.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DEBUG"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


GOOD_PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sportello.settings.production",
    "SECRET_KEY": "x" * 20 + "a-very-long-random-production-secret-key-0123456789",
    "SITE_URL": "https://pagamenti.comune.example",
    "ALLOWED_HOSTS": "pagamenti.comune.example",
    "PAGOPA_NODE_SECRET": "Zq3vX9-tW1mK8pLr2Yb7Nc4Hd6Fg0Js5",
}


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     **GOOD_PRODUCTION, SPORTELLO_VAR_DIR=str(tmp_path),
                     PAGOPA_NODE_ALLOWED_IPS="203.0.113.0/24")
    assert result.returncode == 0, result.stdout + result.stderr


def _production(tmp_path, **changes) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with ``changes`` applied to
    a good environment (None removes a variable)."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DEBUG",
               "SANDBOX_ENABLED", "PAGOPA_NODE_ALLOWED_IPS", "CLIENT_IP_HEADER"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(GOOD_PRODUCTION, SPORTELLO_VAR_DIR=str(tmp_path))
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = ("from django.conf import settings; import json; print(json.dumps("
            "[settings.PAGOPA_NODE_ALLOWED_IPS, settings.SANDBOX_ENABLED, settings.DEBUG]))")
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_good_production_settings_have_no_address_list_and_no_sandbox(tmp_path):
    result = _production(tmp_path)
    assert result.returncode == 0, result.stderr
    # The development loopback default does not survive: only the secret is checked.
    assert result.stdout.strip() == "[[], false, false]"


@pytest.mark.parametrize(("variable", "changes"), [
    ("SECRET_KEY", {"SECRET_KEY": None}),
    ("SECRET_KEY", {"SECRET_KEY": "a" * 50}),
    ("SECRET_KEY", {"SECRET_KEY": "abcde" * 12}),
    ("SECRET_KEY", {"SECRET_KEY": "short-but-varied-0123456789"}),
    ("SECRET_KEY", {"SECRET_KEY": "django-insecure-" + "q1w2e3r4t5y6u7i8o9p0" * 3}),
    ("PAGOPA_NODE_SECRET", {"PAGOPA_NODE_SECRET": None}),
    ("PAGOPA_NODE_SECRET", {"PAGOPA_NODE_SECRET": "x"}),
    ("PAGOPA_NODE_SECRET", {"PAGOPA_NODE_SECRET": "ab" * 20}),
    ("PAGOPA_NODE_ALLOWED_IPS", {"PAGOPA_NODE_ALLOWED_IPS": "0.0.0.0/0"}),
    ("PAGOPA_NODE_ALLOWED_IPS", {"PAGOPA_NODE_ALLOWED_IPS": "203.0.113.0/24, ::/0"}),
    ("PAGOPA_NODE_ALLOWED_IPS", {"PAGOPA_NODE_ALLOWED_IPS": "52.0.0.0/8"}),
    ("PAGOPA_NODE_ALLOWED_IPS", {"PAGOPA_NODE_ALLOWED_IPS": "the-node"}),
    ("SANDBOX_ENABLED", {"SANDBOX_ENABLED": "true"}),
    ("ALLOWED_HOSTS", {"ALLOWED_HOSTS": "*"}),
    ("ALLOWED_HOSTS", {"ALLOWED_HOSTS": "pagamenti.comune.example,*"}),
    ("SITE_URL", {"SITE_URL": "http://pagamenti.comune.example"}),
    ("CLIENT_IP_HEADER", {"CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"}),
    ("TRUSTED_PROXY_NETWORKS", {"TRUSTED_PROXY_NETWORKS": "10.0.0.0/33"}),
])
def test_production_settings_refuse_weak_values_naming_the_variable(tmp_path, variable,
                                                                    changes):
    result = _production(tmp_path, **changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert variable in last_line, result.stderr


def test_production_settings_refuse_the_development_key(tmp_path):
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="sportello.settings.production",
        SITE_URL="https://pagamenti.comune.example", SPORTELLO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("module", ["wsgi", "asgi"])
def test_server_entry_points_default_to_production(tmp_path, module):
    good = {**GOOD_PRODUCTION, "SPORTELLO_VAR_DIR": str(tmp_path)}
    del good["DJANGO_SETTINGS_MODULE"]
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DEBUG",
               "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    code = (f"import sportello.{module}; from django.conf import settings; "
            "print(settings.SETTINGS_MODULE, settings.DEBUG)")
    run = [sys.executable, "-c", code]
    # Without a production environment, the entry point refuses to start ...
    refused = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
    # ... and with one it runs the production settings.
    started = subprocess.run(run, cwd=ROOT, env={**env, **good}, capture_output=True,
                             text=True, timeout=120)
    assert started.stdout.strip() == "sportello.settings.production False", started.stderr


def test_manage_py_defaults_to_development():
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    result = subprocess.run([sys.executable, "manage.py", "diffsettings", "--all"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert "SANDBOX_ENABLED = True" in result.stdout, result.stderr
