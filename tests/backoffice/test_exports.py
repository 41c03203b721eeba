"""The lists' CSV and XLSX exports, and the pagination every list shares."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone

from backoffice.exports import (
    CENTS,
    CODE,
    DATE,
    DATETIME,
    EURO_FORMAT,
    INTEGER,
    Column,
    export_format,
    export_response,
    paginate,
)

COLUMNS = [
    Column("Codice avviso", CODE),
    Column("Debitore"),
    Column("Importo", CENTS),
    Column("Scadenza", DATE),
    Column("Pagato il", DATETIME),
    Column("Rate", INTEGER),
]
PAID_AT = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 30), dt.UTC)
ROWS = [
    ("001234567890123456", "Nicolò Àlfieri", 123456, dt.date(2026, 3, 31), PAID_AT, 3),
    ("301000000000000032", "=HYPERLINK(\"http://x\")", -250, None, None, 0),
]


def _content(response) -> bytes:
    if response.streaming:
        parts = response.streaming_content
        return b"".join(p if isinstance(p, bytes) else p.encode() for p in parts)
    return response.content


def test_csv_is_utf8_with_bom_semicolons_and_codes_kept_as_text():
    response = export_response("csv", "Pratiche dell'Ente", COLUMNS, iter(ROWS))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    expected = f'attachment; filename="pratiche-dellente-{today}.csv"'
    assert response["Content-Disposition"] == expected
    raw = _content(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [c.header for c in COLUMNS]
    assert rows[1] == ['="001234567890123456"', "Nicolò Àlfieri", "1234,56", "31/03/2026",
                       "01/03/2026 10:30", "3"]
    # A formula typed into a field is neutralised (CSV injection); negative amounts keep the sign.
    assert rows[2] == ['="301000000000000032"', "'=HYPERLINK(\"http://x\")", "-2,50", "", "", "0"]


def test_xlsx_has_text_codes_euro_numbers_and_real_dates():
    response = export_response("xlsx", "pratiche", COLUMNS, iter(ROWS))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(_content(response)))
    sheet = book.active
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    code, name, amount, due, paid, count = sheet[2]
    assert code.value == "001234567890123456" and code.data_type == "s"
    assert name.value == "Nicolò Àlfieri"
    assert amount.value == pytest.approx(1234.56) and amount.number_format == EURO_FORMAT
    assert due.value == dt.datetime(2026, 3, 31) and due.number_format == "dd/mm/yyyy"
    assert paid.value == dt.datetime(2026, 3, 1, 10, 30)  # Europe/Rome, naive for Excel
    assert count.value == 3
    formula = sheet["B3"]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    assert sheet["C3"].value == pytest.approx(-2.5)
    assert sheet["D3"].value is None


def test_unknown_format_is_refused_and_format_read_from_query():
    factory = RequestFactory()
    assert export_format(factory.get("/", {"formato": "xlsx"})) == "xlsx"
    assert export_format(factory.get("/", {"formato": "pdf"})) is None
    assert export_format(factory.get("/")) is None
    with pytest.raises(ValueError):
        export_response("pdf", "x", COLUMNS, [])


def test_paginate_50_a_page_and_tolerates_bad_numbers():
    factory = RequestFactory()
    items = list(range(120))
    assert list(paginate(factory.get("/"), items).object_list) == items[:50]
    assert paginate(factory.get("/", {"page": "3"}), items).object_list == items[100:]
    assert paginate(factory.get("/", {"page": "abc"}), items).number == 1
    assert paginate(factory.get("/", {"page": "99"}), items).number == 3


def test_pagination_include_keeps_the_filters():
    request = RequestFactory().get("/", {"stato": "pagata", "page": "2"})
    page = paginate(request, list(range(120)))
    html = Template('{% include "backoffice/includes/pagination.html" %}').render(
        RequestContext(request, {"page": page}))
    assert "?stato=pagata&amp;page=3" in html
    assert "?stato=pagata&amp;page=1" in html
    assert 'aria-current="page"' in html and "Pagina 2 di 3" in html
    links = Template('{% include "backoffice/includes/export_links.html" %}').render(
        RequestContext(request))
    assert "?stato=pagata&amp;formato=csv" in links and "page=" not in links
