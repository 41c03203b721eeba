"""Reading a value is its XPath string value (comments dropped), read from ``text`` when
the element has nothing inside it: the same string either way, for every element of
every example message and for the awkward cases (CDATA, comments, empty, nested)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pagopa.soap import _parse
from pagopa.soap._xml import parse_xml
from tests.pagopa.conftest import EXAMPLES

_STRING = etree.XPath("string()")


def _every_value_as_xpath_reads_it(root: etree._Element) -> int:
    checked = 0
    for parent in root.iter():
        for child in parent:
            if isinstance(child.tag, str):
                assert _parse._opt(parent, child.tag) == str(_STRING(parent.find(child.tag)))
                checked += 1
    return checked


@pytest.mark.parametrize("path", sorted((EXAMPLES / "soap").glob("*.xml")), ids=lambda p: p.name)
def test_every_value_of_the_examples_reads_as_its_xpath_string(path: Path) -> None:
    assert _every_value_as_xpath_reads_it(parse_xml(path.read_bytes())) > 0


def test_awkward_values_read_as_their_xpath_string() -> None:
    root = parse_xml(b"<r><a><![CDATA[1 < 2]]></a><b/><c>x<!-- no -->y</c>"
                     b"<d> <e>in</e> tail </d><f>\xc3\xa0 &amp; b</f></r>")
    assert _every_value_as_xpath_reads_it(root) == 6
    assert [_parse._opt(root, name) for name in "abcdf"] == [
        "1 < 2", "", "xy", " in tail ", "\u00e0 & b"]
    assert _parse._opt(root, "missing") is None
