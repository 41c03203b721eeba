from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pagopa.money import (
    MAX_ST_AMOUNT_CENTS,
    cents_to_decimal_str,
    decimal_str_to_cents,
    format_euro,
)


@pytest.mark.parametrize(
    ("cents", "lang", "expected"),
    [
        (2200, "it", "22,00 €"),
        (102099, "it", "1.020,99 €"),
        (1, "it", "0,01 €"),
        (0, "it", "0,00 €"),
        (100000, "it", "1.000,00 €"),
        (99999, "it", "999,99 €"),
        (MAX_ST_AMOUNT_CENTS, "it", "999.999.999,99 €"),
        (-2200, "it", "-22,00 €"),
        (102099, "it-IT", "1.020,99 €"),
        (2200, "en", "€22.00"),
        (102099, "en", "€1,020.99"),
        (102099, "en-gb", "€1,020.99"),
        (102099, "en_US", "€1,020.99"),
        (-5, "en", "-€0.05"),
    ],
)
def test_format_euro(cents: int, lang: str, expected: str) -> None:
    assert format_euro(cents, lang) == expected


def test_format_euro_rejects() -> None:
    with pytest.raises(ValueError):
        format_euro(100, "fr")
    with pytest.raises(TypeError):
        format_euro(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_euro(True)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (2200, "22.00"),
        (1, "0.01"),
        (0, "0.00"),
        (5, "0.05"),
        (10, "0.10"),
        (MAX_ST_AMOUNT_CENTS, "999999999.99"),
    ],
)
def test_decimal_str_both_ways(cents: int, text: str) -> None:
    assert cents_to_decimal_str(cents) == text
    assert decimal_str_to_cents(text) == cents


@pytest.mark.parametrize("cents", [-1, MAX_ST_AMOUNT_CENTS + 1])
def test_cents_to_decimal_str_range(cents: int) -> None:
    with pytest.raises(ValueError):
        cents_to_decimal_str(cents)


def test_cents_to_decimal_str_type() -> None:
    with pytest.raises(TypeError):
        cents_to_decimal_str(22.0)  # type: ignore[arg-type]


def test_leading_zeros_are_valid_st_amount() -> None:
    assert decimal_str_to_cents("0022.00") == 2200


@pytest.mark.parametrize(
    "text",
    [
        "",
        "22",
        "22.0",
        "22.000",
        ".50",
        "22.",
        "22,00",
        "-1.00",
        "+1.00",
        " 22.00",
        "22.00 ",
        "22.00\n",
        "1e3",
        "1_000.00",
        "\u0662\u0662.\u0660\u0660",
        "1000000000.00",
    ],
)
def test_decimal_str_to_cents_is_strict(text: str) -> None:
    with pytest.raises(ValueError):
        decimal_str_to_cents(text)


cents_values = st.integers(min_value=0, max_value=MAX_ST_AMOUNT_CENTS)


@given(cents_values)
def test_decimal_str_round_trip(cents: int) -> None:
    text = cents_to_decimal_str(cents)
    assert Decimal(text) * 100 == cents
    assert decimal_str_to_cents(text) == cents


@given(st.from_regex(r"\A[0-9]{1,9}\.[0-9]{2}\Z"))
def test_decimal_str_to_cents_matches_decimal(text: str) -> None:
    cents = decimal_str_to_cents(text)
    assert cents == Decimal(text) * 100
    assert Decimal(cents_to_decimal_str(cents)) == Decimal(text)


@given(st.integers(min_value=-MAX_ST_AMOUNT_CENTS, max_value=MAX_ST_AMOUNT_CENTS))
def test_format_euro_it_and_en_agree(cents: int) -> None:
    it = format_euro(cents, "it")
    en = format_euro(cents, "en")
    sign = "-" if cents < 0 else ""
    assert it.startswith(sign) and it.endswith(" €")
    assert en.startswith(sign + "€")
    it_number = it.removeprefix(sign).removesuffix(" €")
    en_number = en.removeprefix(sign + "€")
    # Same number, Italian separators swapped.
    assert it_number.translate(str.maketrans(".,", ",.")) == en_number
    # The value is exactly the amount, with at least "0,0x".
    assert Decimal(en_number.replace(",", "")) * 100 == abs(cents)
    units, decimals = it_number.split(",")
    assert len(decimals) == 2
    # Thousands in groups of three.
    groups = units.split(".")
    assert 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])
    assert groups[0] == "0" or not groups[0].startswith("0")
