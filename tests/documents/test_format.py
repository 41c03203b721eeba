"""Formatting on the documents: amounts, grouped codice avviso, QR and data-matrix payloads.

Amounts, grouping and the QR payload are ``pagopa``'s (the documents call them directly);
the checks here pin the printed forms the avviso relies on.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents import _format as fmt
from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro
from pagopa.qr import qr_payload

from .conftest import NOTICE


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (1, "0,01 €"),
        (2200, "22,00 €"),
        (102099, "1.020,99 €"),
        (100000000, "1.000.000,00 €"),
        (99_999_999_999, "999.999.999,99 €"),
    ],
)
def test_amount_italian_format(cents: int, text: str) -> None:
    assert format_euro(cents) == text


@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_amount_round_trips(cents: int) -> None:
    text = format_euro(cents)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2} €", text)
    assert int(text[:-2].replace(".", "").replace(",", "")) == cents


def test_notice_number_grouped_in_fours() -> None:
    grouped = format_notice_number(NOTICE)
    assert grouped == "3007 1570 0000 0000 32"
    assert len(grouped) == 22


def test_qr_payload_matches_the_spec_example(spec_dir) -> None:
    # Q2 of examples/qr-and-datamatrix.md: 150,00 EUR, amount zero-padded to 10 digits.
    example = "PAGOPA|002|000000000000000000|01199250158|0000015000"
    # The markdown table escapes the pipes.
    text = (spec_dir / "examples" / "qr-and-datamatrix.md").read_text().replace("\\|", "|")
    assert example in text
    assert qr_payload("000000000000000000", "01199250158", 15000) == example


@pytest.mark.parametrize(
    ("notice", "cf", "cents"),
    [
        ("30071570000000003", "00123456789", 1),
        (NOTICE, "0012345678", 1),
        (NOTICE, "00123456789", 0),
    ],
)
def test_qr_payload_rejects_bad_input(notice: str, cf: str, cents: int) -> None:
    with pytest.raises(ValueError):
        qr_payload(notice, cf, cents)


def test_poste_payload_fields_at_the_decoder_offsets() -> None:
    payload = fmt.poste_datamatrix_payload(
        NOTICE, "16302093", 1, "00085240950", "bscmtt83a12l719r", "Niccolò Ré", "test"
    )
    assert len(payload) == 256
    # Offsets read by the pagoPA IO app decoder (RULES.md §2.2).
    assert payload.startswith("codfase=NBPA;18")
    assert payload[15:33] == NOTICE
    assert payload[35:47] == "000016302093"
    assert payload[49:59] == "0000000001"
    assert payload[59:66] == "38961P1"
    assert payload[66:77] == "00085240950"
    assert payload[77:93] == "BSCMTT83A12L719R"
    assert payload[93:133] == "NICCOLO RE".ljust(40)
    assert payload[133:243] == "TEST".ljust(110)
    assert payload.endswith(" " * 12 + "A")


def test_poste_payload_agrees_with_the_io_app_fixture(spec_dir) -> None:
    text = (spec_dir / "examples" / "qr-and-datamatrix.md").read_text()
    fixture = next(line for line in text.splitlines() if line.startswith("codfase=NBPA;18"))
    ours = fmt.poste_datamatrix_payload(
        "300715700000000032", "16302093", 1, "00085240950", "BSCMTT83A12L719R",
        "Name Surname", "test",
    )
    # The fixture's name field is one character short (documented caveat): compare up to it.
    assert ours[:93] == fixture[:93]


def test_iban_masked_to_last_four() -> None:
    assert fmt.mask_iban("IT60 X054 2811 1010 0000 0123 456") == "****3456"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TASSA SUI RIFIUTI 2025", "Tassa sui rifiuti 2025"),
        ("TARI 2025 - acconto", "TARI 2025 - acconto"),
        ("Mensa scolastica", "Mensa scolastica"),
    ],
)
def test_subject_sentence_case(raw: str, expected: str) -> None:
    assert fmt.sentence_case(raw) == expected
