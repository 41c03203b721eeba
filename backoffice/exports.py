"""Every back-office list, exported as CSV or XLSX, and paginated on screen.

A list view declares its columns once (:class:`Column`, with a *kind* saying how a value is
written) and hands the same rows to :func:`export_response` when ``?formato=csv`` or
``?formato=xlsx`` is asked (:func:`export_format`), or pages them with :func:`paginate`.

Choices, and why:

- CSV is what an Italian Excel opens with a double click: UTF-8 with a BOM (or accents
  break), ``;`` between fields (``,`` is the decimal separator), amounts as ``1234,56``.
  Codes made of digits (IUV, codice avviso, codice fiscale numerico) are written as
  ``="0123…"``: Excel would otherwise drop the leading zeros and show 18 digits as
  ``3,01E+17``; LibreOffice reads the same form. Any other cell that starts like a formula
  (``= + - @``, tab, CR) gets a leading apostrophe (CSV injection, OWASP).
- XLSX is written by xlsxwriter in ``constant_memory`` mode (row by row to a temporary
  file, flat memory whatever the length; openpyxl's write-only mode is slower and keeps
  less formatting). Codes are text cells, amounts numeric euro cells shown as
  ``1.234,56 €`` in an Italian Excel (the file stores the locale-neutral format code
  ``#,##0.00 "€"``; Excel localises the separators), dates real date cells ``dd/mm/yyyy``.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.core.paginator import Page, Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from positions.portal import spreadsheet_code, spreadsheet_safe

PAGE_SIZE = 50
FORMATS = ("csv", "xlsx")
FORMAT_PARAM = "formato"

TEXT = "text"
CODE = "code"
CENTS = "cents"
INTEGER = "integer"
DATE = "date"
DATETIME = "datetime"

EURO_FORMAT = '#,##0.00 "€"'


@dataclass(frozen=True)
class Column:
    """One column of an export: its (already translated) header and the kind of its values.

    ``kind``: ``text`` (default), ``code`` (IUV, codice avviso: kept as text), ``cents``
    (integer cents, written as euro), ``integer``, ``date``, ``datetime``.
    """

    header: str
    kind: str = TEXT
    width: int | None = None


def export_format(request) -> str | None:
    """``csv`` or ``xlsx`` when the list was asked as a file, else None (the HTML page)."""
    value = request.GET.get(FORMAT_PARAM, "")
    return value if value in FORMATS else None


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``?page=`` (a bad or too high number gives the first or last page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def export_response(fmt: str, filename: str, columns: Sequence[Column | str],
                    rows: Iterable[Sequence]):
    """The rows as a downloadable file; ``filename`` without extension (slugified, dated)."""
    columns = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
    stem = f"{slugify(filename) or 'export'}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        return csv_response(stem, columns, rows)
    if fmt == "xlsx":
        return xlsx_response(stem, columns, rows)
    raise ValueError(f"unknown export format {fmt!r}")


# --- CSV -------------------------------------------------------------------------------


class _Echo:
    """A file-like sink for csv.writer that hands each line back (streamed response)."""

    def write(self, value: str) -> str:
        return value


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value, kind: str = TEXT) -> str:
    """One value as the text an Italian Excel reads back unchanged."""
    if value is None or value == "":
        return ""
    if kind == CENTS:
        cents = int(value)
        sign = "-" if cents < 0 else ""
        units, rest = divmod(abs(cents), 100)
        return f"{sign}{units},{rest:02d}"
    if kind == INTEGER:
        return str(int(value))
    if kind == DATETIME and isinstance(value, dt.datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if kind in (DATE, DATETIME) and isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    # The payer's history export already writes cells Excel keeps as text: the same rules.
    return spreadsheet_code(str(value)) if kind == CODE else spreadsheet_safe(value)


def csv_response(stem: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow([c.header for c in columns])
        for row in rows:
            yield writer.writerow([csv_cell(v, c.kind) for v, c in zip(row, columns, strict=True)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


# --- XLSX ------------------------------------------------------------------------------


def xlsx_response(stem: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet(stem[:31])
    bold = workbook.add_format({"bold": True})
    formats = {
        TEXT: workbook.add_format({"num_format": "@"}),
        CODE: workbook.add_format({"num_format": "@"}),
        CENTS: workbook.add_format({"num_format": EURO_FORMAT}),
        INTEGER: workbook.add_format({"num_format": "0"}),
        DATE: workbook.add_format({"num_format": "dd/mm/yyyy"}),
        DATETIME: workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    for index, column in enumerate(columns):
        default = 22 if column.kind == CODE else 14 if column.kind != TEXT else 24
        sheet.set_column(index, index, column.width or default)
    sheet.write_row(0, 0, [c.header for c in columns], bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, (value, column) in enumerate(zip(row, columns, strict=True)):
            _write_xlsx_cell(sheet, r, c, value, column.kind, formats[column.kind])
    workbook.close()
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _write_xlsx_cell(sheet, row: int, col: int, value, kind: str, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif kind == CENTS:
        sheet.write_number(row, col, int(value) / 100, fmt)
    elif kind == INTEGER:
        sheet.write_number(row, col, int(value), fmt)
    elif kind == DATETIME and isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, _local(value).replace(tzinfo=None), fmt)
    elif kind in (DATE, DATETIME) and isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        sheet.write_datetime(row, col, dt.datetime.combine(day, dt.time()), fmt)
    else:
        # write_string: never a formula, never a number, whatever the text looks like.
        sheet.write_string(row, col, str(value), fmt)
