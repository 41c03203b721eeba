"""The 2D codes drawn as one path of rectangles (documents/_pdf.py ``draw_matrix``)."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from documents._pdf import DocPDF, dark_rectangles, datamatrix_matrix, qr_matrix

MM = 72 / 25.4


def _runs(matrix: list[list[bool]]) -> int:
    return sum(1 for row in matrix for c, dark in enumerate(row)
               if dark and (c == 0 or not row[c - 1]))


@pytest.mark.parametrize("matrix", [
    qr_matrix("PAGOPA|002|301000000000001234|00123456789|123456", version=4),
    qr_matrix("https://sportello.example.it/q/000001"),
    datamatrix_matrix("codfase=NBPA;18301000000000001234120000160302093100000123456"),
    [[True, True], [True, False]],
    [[False]],
])
def test_the_rectangles_cover_exactly_the_dark_modules(matrix) -> None:
    if matrix is None:
        pytest.skip("no Data Matrix encoder")
    covered = [[0] * len(row) for row in matrix]
    for c, r, w, h in dark_rectangles(matrix):
        for rr in range(r, r + h):
            for cc in range(c, c + w):
                covered[rr][cc] += 1
    assert covered == [[int(bool(v)) for v in row] for row in matrix]  # each once, no more
    if _runs(matrix) > 20:  # runs repeated in the rows below are merged
        assert len(dark_rectangles(matrix)) < _runs(matrix)


def test_the_code_is_drawn_where_and_as_large_as_asked() -> None:
    """25 mm at (30, 40) mm, black, from rectangles pdfplumber reads as such."""
    matrix = qr_matrix("PAGOPA|002|301000000000001234|00123456789|123456", version=4)
    pdf = DocPDF(title="t", author="a", subject="s")
    pdf.add_page()
    pdf.draw_matrix(matrix, 30, 40, 25)
    with pdfplumber.open(io.BytesIO(bytes(pdf.output()))) as doc:
        rects = doc.pages[0].rects
    assert len(rects) == len(dark_rectangles(matrix))
    assert all(r["fill"] and r["non_stroking_color"] in (0, (0,), (0, 0, 0)) for r in rects)
    assert min(r["x0"] for r in rects) == pytest.approx(30 * MM, abs=0.02)
    assert min(r["top"] for r in rects) == pytest.approx(40 * MM, abs=0.02)
    assert max(r["x1"] for r in rects) == pytest.approx(55 * MM, abs=0.02)
    assert max(r["bottom"] for r in rects) == pytest.approx(65 * MM, abs=0.05)
