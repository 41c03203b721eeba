"""Italian comuni (with their province sigla) for the anagrafica, from the ISTAT data
that python-codicefiscale ships and keeps up to date."""

from __future__ import annotations

import re
from functools import lru_cache

from codicefiscale.data import get_municipalities_data
from django.utils.text import slugify

_WITH_PROVINCE = re.compile(r"^\s*(?P<city>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


@lru_cache(maxsize=1)
def municipalities() -> tuple[tuple[str, str], ...]:
    """Every active comune as (name, province sigla), sorted by name."""
    active = {(m["name"], m["province"]) for m in get_municipalities_data()
              if m["active"] and m["province"] != "EE"}
    return tuple(sorted(active, key=lambda item: (slugify(item[0]), item[1])))


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], str]:
    """(slug of any official name, sigla) → the comune's official name."""
    index: dict[tuple[str, str], str] = {}
    for m in get_municipalities_data():
        if not m["active"] or m["province"] == "EE":
            continue
        for name in [m["name"], m["name_alt"], *m["name_slugs"]]:
            if name:
                index[(slugify(name), m["province"])] = m["name"]
    return index


def split_city(city: str, province: str) -> tuple[str, str]:
    """Accept "Roma (RM)" (what the type-ahead offers) as city Roma, province RM."""
    match = _WITH_PROVINCE.match(city or "")
    if match and (not province or province.strip().upper() == match["province"].upper()):
        return match["city"], match["province"].upper()
    return (city or "").strip(), (province or "").strip().upper()


def find_municipality(city: str, province: str) -> str | None:
    """The official name of the comune ``city`` in ``province``, or None if there is none."""
    return _index().get((slugify(city), province.strip().upper()))
