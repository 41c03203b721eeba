from pagopa.bindings.xsd_common.sac_common_types_1_0 import (
    CtFaultBean,
    CtMapEntry,
    CtMetadata,
    CtResponse,
    CtRichiestaMarcaDaBollo,
    CtRisposta,
    StOutcome,
    StTipoBolloDigitale,
)

__all__ = [
    "CtFaultBean",
    "CtMapEntry",
    "CtMetadata",
    "CtResponse",
    "CtRichiestaMarcaDaBollo",
    "CtRisposta",
    "StOutcome",
    "StTipoBolloDigitale",
]
