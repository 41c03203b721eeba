"""The avviso of a position, as a file: bytes plus a safe file name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from positions.models import PaymentPosition

from .avviso import render_notice
from .builders import first_notice_number, notice_info_for

_DIGITS = re.compile(r"[0-9]{18}")


@dataclass(frozen=True)
class NoticeFile:
    filename: str
    content: bytes


def notice_filename(notice_number: str) -> str:
    """``avviso-<codice avviso>.pdf``; the number is checked to be 18 digits, so nothing
    else (quotes, slashes, line breaks) can ever reach Content-Disposition or a ZIP."""
    if not _DIGITS.fullmatch(notice_number):
        return "avviso.pdf"
    return f"avviso-{notice_number}.pdf"


def notice_file(position: PaymentPosition) -> NoticeFile:
    """Render the avviso of ``position``; raises ``NothingPayable`` when nothing is due."""
    info = notice_info_for(position)
    return NoticeFile(notice_filename(first_notice_number(position)), render_notice(info))
