import pytest
from django.core.exceptions import ValidationError

from sportello.validators import parse_fiscal_code, validate_iban


@pytest.mark.parametrize("text,expected", [
    ("RSSMRA80E12H501I", "RSSMRA80E12H501I"),
    (" rssmra80e12h501i ", "RSSMRA80E12H501I"),
    ("RSS MRA 80E12 H501I", "RSSMRA80E12H501I"),
    # omocodia: digits replaced by letters (L=0, M=1, ...), with the check char recomputed
    ("RSSMRA80E12H50MA", "RSSMRA80E12H50MA"),
    ("01234560017", "01234560017"),
])
def test_valid_fiscal_codes(text, expected):
    assert parse_fiscal_code(text).value == expected


def test_legal_person_is_recognised():
    assert parse_fiscal_code("01234560017").is_legal_person
    assert not parse_fiscal_code("RSSMRA80E12H501I").is_legal_person


@pytest.mark.parametrize("text,code", [
    ("", "required"),
    ("RSSMRA80E12H501", "length"),
    ("RSSMRA80E12H501X", "checksum"),
    ("12345678901", "checksum"),
    ("1234567890", "length"),
    ("RSSMRA8XE12H501I", "format"),
    ("RSSMRA80E32H501K", "invalid"),  # 32nd of May does not exist (check char is right)
])
def test_invalid_fiscal_codes_say_why_in_italian(text, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_fiscal_code(text)
    assert excinfo.value.code == code
    assert "codice fiscale" in str(excinfo.value.messages[0]).lower() or code == "required"


def test_iban():
    validate_iban("IT60 X054 2811 1010 0000 0123 456")
    with pytest.raises(ValidationError):
        validate_iban("IT60X0542811101000000123457")


@pytest.mark.parametrize("typed, shown", [
    ("laura bianchi", "Laura Bianchi"), ("D'ANGELO", "D'Angelo"), ("McDonald", "McDonald"),
    ("  anna   maria ", "Anna Maria"), ("rossi-verdi", "Rossi-Verdi"), ("", "")])
def test_names_in_proper_case(typed, shown):
    from sportello.text import proper_case

    assert proper_case(typed) == shown


def test_the_quick_check_of_the_bulk_import_refuses_dates_and_places_that_do_not_exist():
    """parse_fiscal_code(quick=True): shape, check character, a real day, a known place
    code; it never refuses what the full check (python-codicefiscale) accepts."""
    from codicefiscale import codicefiscale as cf_lib

    def with_cin(body: str) -> str:
        return body + cf_lib.encode_cin(body)

    for good in ("RSSMRA80E12H501I", "BNCLRA85M41L219R"):
        assert parse_fiscal_code(good, quick=True).value == good
    assert parse_fiscal_code(with_cin("RSSMRA8LE12H501"), quick=True)  # omocodia
    for bad in (with_cin("RSSMRA80B30H501"), with_cin("RSSMRA80E12Z000"),
                "RSSMRA80E12H501X"):
        with pytest.raises(ValidationError):
            parse_fiscal_code(bad, quick=True)
