"""Log lines: a request id on each (and on the error page), JSON in production, no
codici fiscali or emails in clear."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from sportello.logging_config import logging_config, mask

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CF = "RSSMRA80E12H501I"


@contextmanager
def console_output():
    """What the configured console handler writes (the real filters and formatter)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


@contextmanager
def configured(config: dict):
    logging.config.dictConfig(config)
    try:
        yield
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_proxys_request_id_is_kept_anything_else_replaced(client):
    given = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    forged = "x\n2026-01-01 INFO fake line"
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_log_lines_and_the_error_page_show_the_request_id(client):
    with console_output() as output:
        response = client.get("/nessun-ente/pratiche/1/")
    request_id = response["X-Request-ID"]
    assert response.status_code == 404
    assert request_id in response.content.decode()  # the citizen can quote it
    lines = [line for line in output.getvalue().splitlines() if "Not Found" in line]
    assert lines and all(f"[{request_id}]" in line for line in lines)


def test_log_lines_outside_a_request_say_so():
    from django_guid import clear_guid

    clear_guid()
    with console_output() as output:
        logging.getLogger("sportello.test").warning("fuori da una richiesta")
    assert "[-] fuori da una richiesta" in output.getvalue()


def test_codici_fiscali_and_emails_are_masked_in_logs():
    with console_output() as output:
        logging.getLogger("sportello.test").warning(
            "Debitore %s, email %s", CF, "mario.rossi@example.it")
        try:
            raise ValueError(f"codice {CF.lower()} non valido")
        except ValueError:
            logging.getLogger("sportello.test").exception("errore")
    text = output.getvalue()
    assert "RSS**********01I" in text and "m***@example.it" in text
    assert CF not in text.upper() and "mario.rossi" not in text
    assert "ValueError" in text  # the traceback is still there


def test_a_line_with_wrong_arguments_is_still_written_masked():
    with console_output() as output:
        logging.getLogger("sportello.test").warning(f"debitore {CF} %s %s", "solo uno")
    assert "debitore RSS**********01I" in output.getvalue()


def test_mask_leaves_ordinary_identifiers_alone():
    text = "avviso 301000000000000123 IUV 01000000000000123 Ente 80000120016 IUR " + "A" * 16
    assert mask(text) == text
    assert mask(f"x{CF}") == f"x{CF}"  # part of a longer token: not a codice fiscale
    assert mask("RSSMRA80E12H5M1I") == "RSS**********M1I"  # omocodia: a digit as a letter


def test_json_lines_with_request_id_and_masked_extra_fields():
    with configured(logging_config(json=True)), console_output() as output:
        logging.getLogger("sportello.test").warning(
            "ricevuta %s", "R1", extra={"event": "prova", "debtor": CF})
    line = json.loads(output.getvalue().strip().splitlines()[-1])
    assert line["message"] == "ricevuta R1" and line["level"] == "WARNING"
    assert line["logger"] == "sportello.test" and line["request_id"] == "-"
    assert line["event"] == "prova" and line["debtor"] == "RSS**********01I"


def test_production_writes_json_lines(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "LOG_JSON"}}
    env.update(
        DJANGO_SETTINGS_MODULE="sportello.settings.production",
        SECRET_KEY="q7Vd9-Lm2xR8pZ0wK4tN6yB1cF3hJ5sG7uE9aD2vX4nM6bQ8rT0",
        PAGOPA_NODE_SECRET="Zk3Wq9Lm2Vx8Rt5Yn1Bp7Cs4Dg6Hj0Fa3Ke9Mu2Q",
        PAGOPA_NODE_ALLOWED_IPS="203.0.113.0/24", SANDBOX_ENABLED="false",
        SITE_URL="https://pagamenti.comune.example", ALLOWED_HOSTS="pagamenti.comune.example",
        SPORTELLO_VAR_DIR=str(tmp_path))
    code = f"import logging; logging.getLogger('sportello.test').warning('debitore {CF}')"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    line = next(json.loads(line) for line in result.stderr.splitlines()
                if "sportello.test" in line)
    assert line["message"] == "debitore RSS**********01I" and line["request_id"] == "-"
