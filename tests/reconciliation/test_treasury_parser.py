"""The camt.053 reader: what it keeps, what it refuses, with the reason in Italian."""

from __future__ import annotations

import datetime as dt

import pytest

from reconciliation.treasury import StatementError, flow_id_of, parse_camt053
from tests.reconciliation.camt import Entry, statement

FLOW = "2026-11-27PSPITMMXXX-S0001"
REMITTANCE = f"/PUR/LGPE-RIVERSAMENTO/URI/{FLOW}"


@pytest.mark.parametrize("version", ["02", "04", "08", "13"])
def test_reads_booked_credits_of_every_version(version):
    parsed = parse_camt053(statement([Entry("1234.5", REMITTANCE, "BANK-1"),
                                      Entry("10.00", "BONIFICO QUALSIASI", "BANK-2")],
                                     version=version))
    assert parsed.version == f"camt.053.001.{version}"
    assert parsed.ibans == ("IT60X0542811101000000123456",)
    assert parsed.message_id == "MSG-1"
    first, second = parsed.credits
    assert first.amount_cents == 123450
    assert first.flow_id == FLOW
    assert first.reference == "BANK-1"
    assert first.value_date == dt.date(2026, 11, 27)
    assert second.flow_id == ""
    assert second.amount_cents == 1000
    assert parsed.statement_date == dt.date(2026, 11, 27)


def test_debits_reversals_and_pending_entries_are_not_credits():
    parsed = parse_camt053(statement([
        Entry("5.00", REMITTANCE, "D", indicator="DBIT"),
        Entry("6.00", REMITTANCE, "P", status="PDNG"),
        Entry("7.00", REMITTANCE, "OK"),
    ]))
    assert [c.reference for c in parsed.credits] == ["OK"]
    assert parsed.skipped == 2


def test_an_entry_repeated_in_the_file_is_counted_once():
    parsed = parse_camt053(statement([Entry("7.00", REMITTANCE, "SAME"),
                                      Entry("7.00", REMITTANCE, "SAME"),
                                      Entry("1.00", "", ""), Entry("1.00", "", "")]))
    assert len(parsed.credits) == 3
    assert parsed.duplicates == 1


def test_flow_id_of_the_remittance_convention():
    assert flow_id_of(f"RIVERSAMENTO PAGOPA {REMITTANCE} DEL 27/11") == FLOW
    assert flow_id_of("/PUR/LGPE-RIVERSAMENTO/URI/") == ""
    assert flow_id_of("/PUR/ALTRO/URI/abc") == ""


@pytest.mark.parametrize(("data", "message"), [
    (b"", "vuoto"),
    (b"<Document><unclosed>", "XML leggibile"),
    (statement([Entry("1.00")]).replace(b"camt.053.001.02", b"pain.001.001.03"), "camt.053"),
    (statement([Entry("1.00")]).replace(b"camt.053.001.02", b"camt.053.001.01"), "camt.053"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
     b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&a;</Document>',
     "DOCTYPE"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/>'
     b"</Document>", "Stmt"),
    (statement([Entry("12,50", reference="X9")]), "Importo non valido nel movimento X9"),
    (statement([Entry("-1.00", reference="X9")]), "Importo non valido"),
    (statement([Entry("1.001", reference="X9")]), "Importo non valido"),
    (statement([Entry("1.00", reference="X9", currency="USD")]), "non è in euro"),
    (statement([Entry("1.00", reference="X9", value="27/11/2026")]), "Data non valida"),
    (statement([Entry("1.00")], iban=""), "IBAN del conto"),
])
def test_malformed_files_are_refused_with_the_reason(data, message):
    with pytest.raises(StatementError, match=message):
        parse_camt053(data)


def test_no_entity_is_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SEGRETO")
    data = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>')
    with pytest.raises(StatementError) as refused:
        parse_camt053(data.encode())
    assert "SEGRETO" not in str(refused.value)
