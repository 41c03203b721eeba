"""segno's choice of QR mask, made faster (documents/_qr.py): the same symbol as segno's."""

from __future__ import annotations

import random
import string

import pytest
import segno
from segno import encoder

from documents import _qr
from documents._pdf import qr_matrix


def _payloads(count: int) -> list[tuple[str, int | None]]:
    rng = random.Random(17)
    out: list[tuple[str, int | None]] = []
    for n in range(count):
        amount = rng.randrange(1, 10**9)
        out.append((f"PAGOPA|002|3{rng.randrange(10**17):017d}|"
                    f"{rng.randrange(10**11):011d}|{amount}", 4 if n % 2 else None))
        tail = "".join(rng.choice(string.ascii_letters + string.digits + "/-_?=&")
                       for _ in range(rng.randrange(5, 250)))
        out.append((f"https://sportello.example.it/{tail}", None))  # versions 2 to 13
    return out


def test_the_mask_and_the_symbol_are_segnos_own() -> None:
    versions = set()
    for payload, version in _payloads(80):
        expected = segno.make_qr(payload, error="m", boost_error=False, version=version)
        versions.add(expected.version)
        assert _qr.best_mask(payload, version) == expected.mask, payload
        assert qr_matrix(payload, version=version) == [
            [bool(v) for v in row] for row in expected.matrix], payload
    assert len(versions) > 5


@pytest.mark.parametrize("width", [21, 33, 45, 57])
def test_the_penalty_scores_are_segnos(width: int) -> None:
    rng = random.Random(width)
    samples = [[rng.getrandbits(width) for _ in range(width)] for _ in range(60)]
    # rows made of the 1:1:3:1:1 pattern at the edges and next to light or dark areas
    pattern = int("1011101"[::-1], 2)
    samples.append([pattern << (i % (width - 6)) for i in range(width)])
    samples.append([(pattern | pattern << 7 | pattern << 11) & ((1 << width) - 1)
                    for _ in range(width)])
    samples.append([0] * width)
    samples.append([(1 << width) - 1] * width)
    for rows in samples:
        matrix = tuple(bytearray(row >> j & 1 for j in range(width)) for row in rows)
        assert _qr.mask_scores(rows, width) == encoder.mask_scores(matrix, width, width)
