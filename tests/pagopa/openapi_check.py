"""Minimal validator for the JSON-Schema subset used by the pagoPA OpenAPI files.

jsonschema is not a project dependency; this covers exactly the keywords the Checkout
and ACA request schemas use (type, required, properties, items, min/maxItems,
min/maxLength, minimum/maximum, enum, $ref, format uri/email/date-time) and fails
loudly on any other keyword so a schema change cannot pass silently.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.pagopa.conftest import SPEC_API

_KNOWN = {"type", "required", "properties", "items", "minItems", "maxItems", "minLength",
          "maxLength", "minimum", "maximum", "enum", "$ref", "format", "example", "description",
          "default", "exclusiveMaximum"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


@cache
def _spec(name: str) -> dict[str, Any]:
    return json.loads((SPEC_API / "openapi" / name).read_text(encoding="utf-8"))


def validate(spec_name: str, schema_name: str, instance: Any) -> None:
    spec = _spec(spec_name)
    _check(spec, spec["components"]["schemas"][schema_name], instance, schema_name)


def _check(spec: dict, schema: dict, value: Any, where: str) -> None:
    unknown = set(schema) - _KNOWN
    assert not unknown, f"{where}: validator does not know {unknown}"
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _check(spec, spec["components"]["schemas"][name], value, where)
    kind = schema.get("type")
    if kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: not integer"
    elif kind:
        assert isinstance(value, _TYPES[kind]), f"{where}: not {kind}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in enum"
    if isinstance(value, str):
        assert len(value) >= schema.get("minLength", 0), f"{where}: too short"
        assert len(value) <= schema.get("maxLength", 10**9), f"{where}: too long"
        _format(schema.get("format"), value, where)
    if isinstance(value, int) and not isinstance(value, bool):
        assert value >= schema.get("minimum", -(10**30)), f"{where}: below minimum"
        assert value <= schema.get("maximum", 10**30), f"{where}: above maximum"
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), f"{where}: too few items"
        assert len(value) <= schema.get("maxItems", 10**9), f"{where}: too many items"
        for index, item in enumerate(value):
            _check(spec, schema["items"], item, f"{where}[{index}]")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{where}: missing {name}"
        properties = schema.get("properties", {})
        for name, item in value.items():
            assert name in properties, f"{where}: unexpected property {name}"
            _check(spec, properties[name], item, f"{where}.{name}")
    return None


def _format(fmt: str | None, value: str, where: str) -> None:
    if fmt == "uri":
        parts = urlsplit(value)
        assert parts.scheme and parts.netloc, f"{where}: not an absolute URI"
    elif fmt == "email":
        assert "@" in value, f"{where}: not an e-mail"
    elif fmt == "date-time":
        parsed = dt.datetime.fromisoformat(value)
        assert parsed.utcoffset() is not None, f"{where}: RFC 3339 needs an offset"


def example_path(name: str) -> Path:
    return SPEC_API.parent / "examples" / "checkout-carts" / name
