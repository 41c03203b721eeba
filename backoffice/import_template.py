"""The import template, CSV and XLSX: the documented columns and two example positions
(a single payment; a plan of two installments), text columns formatted as text in XLSX
so that Excel keeps codici fiscali, CAP and IBAN as typed."""

from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter
from django.http import HttpResponse

from backoffice.import_file import COLUMNS, TEXT
from organizations.models import Organization

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def example_rows(organization: Organization) -> list[list[str]]:
    service = organization.services.filter(active=True).order_by("pk").first()
    code = service.code if service else "codice-servizio"
    due = dt.date(dt.date.today().year + 1, 1, 31)
    later = due.replace(month=3)
    person = ["RSSMRA80E12H501I", "F", "Mario", "Rossi", "Via Roma 1", "00100", "Roma", "RM",
              "IT", "mario.rossi@example.it", code]
    return [
        ["TARI-2026-0001", *person, "TARI 2026", "120,50", f"{due:%d/%m/%Y}", "", "", ""],
        ["TARI-2026-0002", *person, "TARI 2026 a rate", "60,00", f"{due:%d/%m/%Y}", "1", "",
         ""],
        ["TARI-2026-0002", *person, "TARI 2026 a rate", "60,00", f"{later:%d/%m/%Y}", "2", "",
         ""],
    ]


def csv_response(organization: Organization) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(example_rows(organization))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modello-importazione.csv"'
    return response


def xlsx_response(organization: Organization) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("posizioni")
    text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True})
    for index, name in enumerate(COLUMNS):
        sheet.set_column(index, index, max(12, len(name) + 2),
                         text if name in TEXT or name == "importo" else None)
        sheet.write_string(0, index, name, bold)
    for row, values in enumerate(example_rows(organization), start=1):
        for index, value in enumerate(values):
            sheet.write_string(row, index, value)
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="modello-importazione.xlsx"'
    return response
