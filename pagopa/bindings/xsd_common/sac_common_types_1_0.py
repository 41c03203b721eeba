from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__NAMESPACE__ = "http://pagopa-api.pagopa.gov.it/xsd/common-types/v1.0.0/"


@dataclass(kw_only=True)
class CtFaultBean:
    class Meta:
        name = "ctFaultBean"

    fault_code: str = field(
        metadata={
            "name": "faultCode",
            "type": "Element",
            "namespace": "",
        }
    )
    fault_string: str = field(
        metadata={
            "name": "faultString",
            "type": "Element",
            "namespace": "",
        }
    )
    id: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    description: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    serial: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    original_fault_code: None | str = field(
        default=None,
        metadata={
            "name": "originalFaultCode",
            "type": "Element",
            "namespace": "",
        },
    )
    original_fault_string: None | str = field(
        default=None,
        metadata={
            "name": "originalFaultString",
            "type": "Element",
            "namespace": "",
        },
    )
    original_description: None | str = field(
        default=None,
        metadata={
            "name": "originalDescription",
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtMapEntry:
    class Meta:
        name = "ctMapEntry"

    key: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    value: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )


class StOutcome(Enum):
    OK = "OK"
    KO = "KO"


class StTipoBolloDigitale(Enum):
    VALUE_01 = "01"


@dataclass(kw_only=True)
class CtMetadata:
    class Meta:
        name = "ctMetadata"

    map_entry: list[CtMapEntry] = field(
        default_factory=list,
        metadata={
            "name": "mapEntry",
            "type": "Element",
            "namespace": "",
            "min_occurs": 1,
            "max_occurs": 15,
        },
    )


@dataclass(kw_only=True)
class CtResponse:
    class Meta:
        name = "ctResponse"

    outcome: StOutcome = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    fault: None | CtFaultBean = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtRichiestaMarcaDaBollo:
    class Meta:
        name = "ctRichiestaMarcaDaBollo"

    hash_documento: str = field(
        metadata={
            "name": "hashDocumento",
            "type": "Element",
            "namespace": "",
            "pattern": r".{4,72}",
            "format": "base64",
        }
    )
    tipo_bollo: StTipoBolloDigitale = field(
        metadata={
            "name": "tipoBollo",
            "type": "Element",
            "namespace": "",
        }
    )
    provincia_residenza: str = field(
        metadata={
            "name": "provinciaResidenza",
            "type": "Element",
            "namespace": "",
            "pattern": r"[A-Z]{2,2}",
        }
    )


@dataclass(kw_only=True)
class CtRisposta:
    class Meta:
        name = "ctRisposta"

    fault: None | CtFaultBean = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
