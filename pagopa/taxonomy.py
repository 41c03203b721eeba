"""pagoPA's taxonomy of collection services (*tassonomia*, RULES §9): the shape of a code
and the list published by pagoPA (CSV, ``…/taxonomy/service/v1/taxonomy?extension=csv``).

A code as the Ente gives it is ``<prefix>/<tipo ente 2n><macro area 2n><servizio 3n>
<motivo giuridico>/``, e.g. ``9/0101002IM/``. The prefix is mandatory: ``9/`` normal,
``6/``, ``7/``, ``8/`` exclude the position from SEPA Request-To-Pay (SANP-RTP).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODE = re.compile(r"^(?P<prefix>[6-9])/(?P<code>\d{7}(?:IM|TS|SP|SA|AP))/$")
_COLUMN = "DATI SPECIFICI DI INCASSO"
_START, _END = "DATA INIZIO VALIDITA (mm/gg/aaaa)", "DATA FINE VALIDITA (mm/gg/aaaa)"


@dataclass(frozen=True)
class Entry:
    """One code of the published list and the dates it is valid (inclusive)."""

    code: str  # without prefix, e.g. "0101002IM"
    valid_from: dt.date | None
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))


def parse(text: str) -> str | None:
    """The code proper (``0101002IM``) of a well-formed prefixed code, else None."""
    match = CODE.match(text or "")
    return match.group("code") if match else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


@lru_cache(maxsize=4)
def load(path: str, mtime: float = 0.0) -> dict[str, Entry]:
    """The codes of pagoPA's CSV at ``path``, read once per file version (``mtime``).

    Only the "DATI SPECIFICI DI INCASSO" column matters (``9/0101002IM/``); the prefix is
    dropped, since 6/, 7/, 8/ and 9/ name the same code.
    """
    entries: dict[str, Entry] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            code = parse((row.get(_COLUMN) or "").strip())
            if code:
                entries[code] = Entry(code, _date(row.get(_START) or ""),
                                      _date(row.get(_END) or ""))
    return entries


def codes(path: str | Path) -> dict[str, Entry]:
    """:func:`load`, cached until the file changes."""
    path = Path(path)
    return load(str(path), path.stat().st_mtime)
