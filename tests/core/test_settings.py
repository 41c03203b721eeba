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


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="sportello.settings.production",
        SECRET_KEY="x" * 20 + "a-very-long-random-production-secret-key-0123456789",
        SITE_URL="https://pagamenti.comune.example", ALLOWED_HOSTS="pagamenti.comune.example",
        SPORTELLO_VAR_DIR=str(tmp_path), PAGOPA_NODE_ALLOWED_IPS="203.0.113.0/24",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_the_development_key(tmp_path):
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="sportello.settings.production",
        SITE_URL="https://pagamenti.comune.example", SPORTELLO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
