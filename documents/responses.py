"""Download responses for personal documents: never cached, never sniffed."""

from __future__ import annotations

import re

from django.http import HttpResponse

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """``content`` as a download named ``filename``.

    The name is checked against a strict pattern (letters, digits, dot, dash, underscore)
    so it needs no quoting or encoding, and a bad name is a programming error, not
    something to escape. ``no-store, private``: an avviso names the debtor, so neither the
    browser cache nor a proxy may keep it.
    """
    if not _SAFE_NAME.fullmatch(filename):
        raise ValueError(f"unsafe download name: {filename!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_attachment(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, filename, "application/pdf")
