"""Names as people expect to read them. What was typed is stored as typed (it is what the
person declared, and what pagoPA received); pages and emails show it in proper case."""

from __future__ import annotations

import re

# A word, and what joins words inside a name: spaces, hyphens, apostrophes (straight or
# typographic), dots.
_PARTS = re.compile(r"([\s\-'’.]+)")


def proper_case(name: str | None) -> str:
    """"laura bianchi" → "Laura Bianchi", "D'ANGELO" → "D'Angelo".

    Only words typed all in lower or all in upper case change: a word someone wrote
    with care ("McDonald") keeps its capitals."""
    if not name:
        return ""
    words = _PARTS.split(" ".join(name.split()))
    return "".join(_word(w) if i % 2 == 0 else w for i, w in enumerate(words))


def _word(word: str) -> str:
    if word.islower() or word.isupper():
        return word[:1].upper() + word[1:].lower()
    return word
