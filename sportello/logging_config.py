"""Log lines: JSON in production, plain in development, a request id on each, no codici fiscali.

The request id comes from django-guid (its middleware takes a valid incoming
``X-Request-ID`` or makes one, keeps it in a contextvar and returns it in the response);
``RequestIdFilter`` writes it on every record. ``MaskPersonalData`` runs on the handler,
so it sees every record that is written, whichever logger it came from. Security events
go to the ``sportello.security`` logger with an ``event`` name (``security_event``).

This module is imported by the settings: nothing here may need configured settings at
import time.
"""

from __future__ import annotations

import logging
import re
from typing import Any

SECURITY_LOGGER = "sportello.security"

# A codice fiscale of a person: 6 letters, 2 digits, a letter, 2 digits, a letter, 3
# digits, a check letter; the digits may be replaced by letters (omocodia).
_DIGIT = "[0-9LMNPQRSTUV]"
_FISCAL_CODE = re.compile(
    rf"(?<![A-Z0-9])[A-Z]{{6}}{_DIGIT}{{2}}[A-Z]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z](?![A-Z0-9])",
    re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")

# Attributes every LogRecord has: anything else was passed with ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def mask(text: str) -> str:
    """``RSSMRA80E12H501I`` → ``RSS**********01I``; ``mario.rossi@x.it`` → ``m***@x.it``."""
    text = _FISCAL_CODE.sub(lambda m: m.group()[:3] + "*" * 10 + m.group()[-3:], text)
    return _EMAIL.sub(r"\1***@\2", text)


class MaskPersonalData(logging.Filter):
    """Masks codici fiscali and email addresses in the message, its ``extra`` fields and
    the traceback: logs keep what is needed to follow a case (ids, notice numbers), not
    who the person is."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)  # wrong arguments: still log what was meant, masked
        record.msg, record.args = mask(message), None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, mask(value))
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(
                record.exc_info)
            record.exc_info = None  # the formatters then print the masked exc_text
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    """``record.request_id``: the id of the request being served, ``-`` outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        from django_guid import get_guid

        record.request_id = get_guid() or "-"
        return True


def logging_config(*, json: bool, level: str = "INFO") -> dict[str, Any]:
    """The ``LOGGING`` setting: one console handler, JSON lines or plain lines."""
    formatter = "json" if json else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "sportello.logging_config.RequestIdFilter"},
            "mask": {"()": "sportello.logging_config.MaskPersonalData"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] "
                                "%(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level",
                                  "name": "logger", "exc_info": "traceback"},
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": formatter,
                                 "filters": ["request_id", "mask"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # fontTools (used by fpdf2 to subset the fonts of every PDF) logs each glyph
            # at INFO.
            "fontTools": {"level": "WARNING"},
            # django-guid logs every request's id at INFO and echoes a refused header at
            # WARNING: neither is worth a line.
            "django_guid": {"level": "ERROR"},
        },
    }


def security_event(event: str, request=None, **fields: Any) -> None:
    """Log a security event (a refused or suspicious action) with its name and context.

    One logger, one ``event`` field: operators can alert on it. The client address is the
    one the rate limits use; personal data in ``fields`` is masked like everything else.
    """
    from sportello import metrics

    context: dict[str, Any] = dict(fields)
    if request is not None:
        from sportello.ratelimit import client_address

        context.setdefault("client", client_address(None, request))
        context.setdefault("path", request.path)
    details = " ".join(f"{key}={value}" for key, value in context.items())
    logging.getLogger(SECURITY_LOGGER).warning(
        "security event %s %s", event, details, extra={"event": event, **context})
    metrics.SECURITY_EVENTS.labels(event=event).inc()
