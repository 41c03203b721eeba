"""Load the shared pagoPA spec examples (the `shared` folder is a sibling of the repository)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "pagopa-spec"
EXAMPLES_DIR = SPEC_DIR / "examples"

# A table row of qr-and-datamatrix.md: | Q1 | `PAGOPA\|002\|...` | ...
_QR_ROW = re.compile(r"^\| (Q\d+)(?: \(\*\*computed\*\*\))? \| `([^`]+)` \|", re.MULTILINE)


@cache
def notice_numbers() -> dict[str, Any]:
    """The parsed examples/notice-numbers.json."""
    return json.loads((EXAMPLES_DIR / "notice-numbers.json").read_text(encoding="utf-8"))


@cache
def qr_examples() -> dict[str, str]:
    """QR payload strings of examples/qr-and-datamatrix.md keyed by row id (Q1, Q2, ...)."""
    text = (EXAMPLES_DIR / "qr-and-datamatrix.md").read_text(encoding="utf-8")
    return {m[1]: m[2].replace("\\|", "|") for m in _QR_ROW.finditer(text)}
