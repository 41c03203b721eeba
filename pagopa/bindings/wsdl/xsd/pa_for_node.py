from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from xsdata.models.datatype import XmlDate, XmlDateTime

from pagopa.bindings.xsd_common.sac_common_types_1_0 import (
    CtMetadata,
    CtResponse,
    CtRichiestaMarcaDaBollo,
    StOutcome,
)

__NAMESPACE__ = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"


@dataclass(kw_only=True)
class CtQrCode:
    class Meta:
        name = "ctQrCode"

    fiscal_code: str = field(
        metadata={
            "name": "fiscalCode",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    notice_number: str = field(
        metadata={
            "name": "noticeNumber",
            "type": "Element",
            "namespace": "",
            "pattern": r"[0-9]{18}",
        }
    )


@dataclass(kw_only=True)
class PaDemandPaymentNoticeRequest:
    class Meta:
        name = "paDemandPaymentNoticeRequest"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_servizio: str = field(
        metadata={
            "name": "idServizio",
            "type": "Element",
            "namespace": "",
            "length": 5,
        }
    )
    id_soggetto_servizio: str = field(
        metadata={
            "name": "idSoggettoServizio",
            "type": "Element",
            "namespace": "",
            "length": 5,
        }
    )
    dati_specifici_servizio_request: bytes = field(
        metadata={
            "name": "datiSpecificiServizioRequest",
            "type": "Element",
            "namespace": "",
            "format": "base64",
        }
    )


class StAmountOption(Enum):
    EQ = "EQ"
    LS = "LS"
    GT = "GT"
    ANY = "ANY"


class StEntityUniqueIdentifierType(Enum):
    F = "F"
    G = "G"


class StIdTransfer(Enum):
    VALUE_1 = 1
    VALUE_2 = 2
    VALUE_3 = 3
    VALUE_4 = 4
    VALUE_5 = 5


class StTransferType(Enum):
    POSTAL = "POSTAL"
    PAGOPA = "PAGOPA"


@dataclass(kw_only=True)
class CtEntityUniqueIdentifier:
    class Meta:
        name = "ctEntityUniqueIdentifier"

    entity_unique_identifier_type: StEntityUniqueIdentifierType = field(
        metadata={
            "name": "entityUniqueIdentifierType",
            "type": "Element",
            "namespace": "",
        }
    )
    entity_unique_identifier_value: str = field(
        metadata={
            "name": "entityUniqueIdentifierValue",
            "type": "Element",
            "namespace": "",
            "min_length": 2,
            "max_length": 16,
        }
    )


@dataclass(kw_only=True)
class CtPaymentOptionDescriptionPa:
    class Meta:
        name = "ctPaymentOptionDescriptionPA"

    amount: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    options: StAmountOption = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    due_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "dueDate",
            "type": "Element",
            "namespace": "",
        },
    )
    detail_description: None | str = field(
        default=None,
        metadata={
            "name": "detailDescription",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    all_ccp: bool = field(
        metadata={
            "name": "allCCP",
            "type": "Element",
            "namespace": "",
        }
    )


@dataclass(kw_only=True)
class CtTransferPa:
    class Meta:
        name = "ctTransferPA"

    id_transfer: StIdTransfer = field(
        metadata={
            "name": "idTransfer",
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_amount: str = field(
        metadata={
            "name": "transferAmount",
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    fiscal_code_pa: str = field(
        metadata={
            "name": "fiscalCodePA",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    iban: str = field(
        metadata={
            "name": "IBAN",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    remittance_information: str = field(
        metadata={
            "name": "remittanceInformation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    transfer_category: str = field(
        metadata={
            "name": "transferCategory",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtTransferPareceiptV2:
    class Meta:
        name = "ctTransferPAReceiptV2"

    id_transfer: StIdTransfer = field(
        metadata={
            "name": "idTransfer",
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_amount: str = field(
        metadata={
            "name": "transferAmount",
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    fiscal_code_pa: str = field(
        metadata={
            "name": "fiscalCodePA",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    company_name: None | str = field(
        default=None,
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    iban: None | str = field(
        default=None,
        metadata={
            "name": "IBAN",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    mbdattachment: None | bytes = field(
        default=None,
        metadata={
            "name": "MBDAttachment",
            "type": "Element",
            "namespace": "",
            "format": "base64",
        },
    )
    remittance_information: str = field(
        metadata={
            "name": "remittanceInformation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    transfer_category: str = field(
        metadata={
            "name": "transferCategory",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtTransferPav2:
    class Meta:
        name = "ctTransferPAV2"

    id_transfer: StIdTransfer = field(
        metadata={
            "name": "idTransfer",
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_amount: str = field(
        metadata={
            "name": "transferAmount",
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    fiscal_code_pa: str = field(
        metadata={
            "name": "fiscalCodePA",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    company_name: None | str = field(
        default=None,
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    iban: None | str = field(
        default=None,
        metadata={
            "name": "IBAN",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    richiesta_marca_da_bollo: None | CtRichiestaMarcaDaBollo = field(
        default=None,
        metadata={
            "name": "richiestaMarcaDaBollo",
            "type": "Element",
            "namespace": "",
        },
    )
    remittance_information: str = field(
        metadata={
            "name": "remittanceInformation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    transfer_category: str = field(
        metadata={
            "name": "transferCategory",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaGetPaymentReq:
    class Meta:
        name = "paGetPaymentReq"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    qr_code: CtQrCode = field(
        metadata={
            "name": "qrCode",
            "type": "Element",
            "namespace": "",
        }
    )
    amount: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        },
    )
    payment_note: None | str = field(
        default=None,
        metadata={
            "name": "paymentNote",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 210,
        },
    )
    transfer_type: None | StTransferType = field(
        default=None,
        metadata={
            "name": "transferType",
            "type": "Element",
            "namespace": "",
        },
    )
    due_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "dueDate",
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaGetPaymentV2Request:
    class Meta:
        name = "paGetPaymentV2Request"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    qr_code: CtQrCode = field(
        metadata={
            "name": "qrCode",
            "type": "Element",
            "namespace": "",
        }
    )
    amount: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        },
    )
    payment_note: None | str = field(
        default=None,
        metadata={
            "name": "paymentNote",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 210,
        },
    )
    transfer_type: None | StTransferType = field(
        default=None,
        metadata={
            "name": "transferType",
            "type": "Element",
            "namespace": "",
        },
    )
    due_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "dueDate",
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaSendRtres(CtResponse):
    class Meta:
        name = "paSendRTRes"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"


@dataclass(kw_only=True)
class PaSendRtv2Response(CtResponse):
    class Meta:
        name = "paSendRTV2Response"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"


@dataclass(kw_only=True)
class PaVerifyPaymentNoticeReq:
    class Meta:
        name = "paVerifyPaymentNoticeReq"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    qr_code: CtQrCode = field(
        metadata={
            "name": "qrCode",
            "type": "Element",
            "namespace": "",
        }
    )


@dataclass(kw_only=True)
class CtPaymentOptionsDescriptionListPa:
    class Meta:
        name = "ctPaymentOptionsDescriptionListPA"

    payment_option_description: CtPaymentOptionDescriptionPa = field(
        metadata={
            "name": "paymentOptionDescription",
            "type": "Element",
            "namespace": "",
        }
    )


@dataclass(kw_only=True)
class CtSubject:
    class Meta:
        name = "ctSubject"

    unique_identifier: CtEntityUniqueIdentifier = field(
        metadata={
            "name": "uniqueIdentifier",
            "type": "Element",
            "namespace": "",
        }
    )
    full_name: str = field(
        metadata={
            "name": "fullName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        }
    )
    street_name: None | str = field(
        default=None,
        metadata={
            "name": "streetName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        },
    )
    civic_number: None | str = field(
        default=None,
        metadata={
            "name": "civicNumber",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 16,
        },
    )
    postal_code: None | str = field(
        default=None,
        metadata={
            "name": "postalCode",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 16,
        },
    )
    city: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    state_province_region: None | str = field(
        default=None,
        metadata={
            "name": "stateProvinceRegion",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    country: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "pattern": r"[A-Z]{2,2}",
        },
    )
    e_mail: None | str = field(
        default=None,
        metadata={
            "name": "e-mail",
            "type": "Element",
            "namespace": "",
            "max_length": 256,
            "pattern": r"[a-zA-Z0-9_\.\+\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*",
        },
    )


@dataclass(kw_only=True)
class CtTransferListPa:
    class Meta:
        name = "ctTransferListPA"

    transfer: list[CtTransferPa] = field(
        default_factory=list,
        metadata={
            "type": "Element",
            "namespace": "",
            "min_occurs": 1,
            "max_occurs": 5,
        },
    )


@dataclass(kw_only=True)
class CtTransferListPareceiptV2:
    class Meta:
        name = "ctTransferListPAReceiptV2"

    transfer: list[CtTransferPareceiptV2] = field(
        default_factory=list,
        metadata={
            "type": "Element",
            "namespace": "",
            "min_occurs": 1,
            "max_occurs": 5,
        },
    )


@dataclass(kw_only=True)
class CtTransferListPav2:
    class Meta:
        name = "ctTransferListPAV2"

    transfer: list[CtTransferPav2] = field(
        default_factory=list,
        metadata={
            "type": "Element",
            "namespace": "",
            "min_occurs": 1,
            "max_occurs": 5,
        },
    )


@dataclass(kw_only=True)
class CtPaymentPa:
    class Meta:
        name = "ctPaymentPA"

    creditor_reference_id: str = field(
        metadata={
            "name": "creditorReferenceId",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payment_amount: str = field(
        metadata={
            "name": "paymentAmount",
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    due_date: XmlDate = field(
        metadata={
            "name": "dueDate",
            "type": "Element",
            "namespace": "",
        }
    )
    retention_date: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "retentionDate",
            "type": "Element",
            "namespace": "",
        },
    )
    last_payment: None | bool = field(
        default=None,
        metadata={
            "name": "lastPayment",
            "type": "Element",
            "namespace": "",
        },
    )
    description: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    company_name: None | str = field(
        default=None,
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    debtor: CtSubject = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_list: CtTransferListPa = field(
        metadata={
            "name": "transferList",
            "type": "Element",
            "namespace": "",
        }
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtPaymentPav2:
    class Meta:
        name = "ctPaymentPAV2"

    creditor_reference_id: str = field(
        metadata={
            "name": "creditorReferenceId",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payment_amount: str = field(
        metadata={
            "name": "paymentAmount",
            "type": "Element",
            "namespace": "",
            "min_inclusive": "0.01",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    due_date: XmlDate = field(
        metadata={
            "name": "dueDate",
            "type": "Element",
            "namespace": "",
        }
    )
    retention_date: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "retentionDate",
            "type": "Element",
            "namespace": "",
        },
    )
    last_payment: None | bool = field(
        default=None,
        metadata={
            "name": "lastPayment",
            "type": "Element",
            "namespace": "",
        },
    )
    description: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    company_name: str = field(
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    debtor: CtSubject = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_list: CtTransferListPav2 = field(
        metadata={
            "name": "transferList",
            "type": "Element",
            "namespace": "",
        }
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtReceipt:
    class Meta:
        name = "ctReceipt"

    receipt_id: str = field(
        metadata={
            "name": "receiptId",
            "type": "Element",
            "namespace": "",
        }
    )
    notice_number: str = field(
        metadata={
            "name": "noticeNumber",
            "type": "Element",
            "namespace": "",
            "pattern": r"[0-9]{18}",
        }
    )
    fiscal_code: str = field(
        metadata={
            "name": "fiscalCode",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    outcome: StOutcome = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    creditor_reference_id: str = field(
        metadata={
            "name": "creditorReferenceId",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payment_amount: str = field(
        metadata={
            "name": "paymentAmount",
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    description: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    company_name: str = field(
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    debtor: CtSubject = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_list: CtTransferListPa = field(
        metadata={
            "name": "transferList",
            "type": "Element",
            "namespace": "",
        }
    )
    id_psp: str = field(
        metadata={
            "name": "idPSP",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    psp_fiscal_code: None | str = field(
        default=None,
        metadata={
            "name": "pspFiscalCode",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        },
    )
    psp_partita_iva: None | str = field(
        default=None,
        metadata={
            "name": "pspPartitaIVA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 20,
        },
    )
    pspcompany_name: str = field(
        metadata={
            "name": "PSPCompanyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        }
    )
    id_channel: str = field(
        metadata={
            "name": "idChannel",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    channel_description: str = field(
        metadata={
            "name": "channelDescription",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payer: None | CtSubject = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    payment_method: None | str = field(
        default=None,
        metadata={
            "name": "paymentMethod",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    fee: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        },
    )
    payment_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "paymentDateTime",
            "type": "Element",
            "namespace": "",
        },
    )
    application_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "applicationDate",
            "type": "Element",
            "namespace": "",
        },
    )
    transfer_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "transferDate",
            "type": "Element",
            "namespace": "",
        },
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    stand_in: None | bool = field(
        default=None,
        metadata={
            "name": "standIn",
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class CtReceiptV2:
    class Meta:
        name = "ctReceiptV2"

    receipt_id: str = field(
        metadata={
            "name": "receiptId",
            "type": "Element",
            "namespace": "",
        }
    )
    notice_number: str = field(
        metadata={
            "name": "noticeNumber",
            "type": "Element",
            "namespace": "",
            "pattern": r"[0-9]{18}",
        }
    )
    fiscal_code: str = field(
        metadata={
            "name": "fiscalCode",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        }
    )
    outcome: StOutcome = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    creditor_reference_id: str = field(
        metadata={
            "name": "creditorReferenceId",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payment_amount: str = field(
        metadata={
            "name": "paymentAmount",
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        }
    )
    description: str = field(
        metadata={
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    company_name: str = field(
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        }
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    debtor: CtSubject = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
    transfer_list: CtTransferListPareceiptV2 = field(
        metadata={
            "name": "transferList",
            "type": "Element",
            "namespace": "",
        }
    )
    id_psp: str = field(
        metadata={
            "name": "idPSP",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    psp_fiscal_code: None | str = field(
        default=None,
        metadata={
            "name": "pspFiscalCode",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        },
    )
    psp_partita_iva: None | str = field(
        default=None,
        metadata={
            "name": "pspPartitaIVA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 20,
        },
    )
    pspcompany_name: str = field(
        metadata={
            "name": "PSPCompanyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        }
    )
    id_channel: str = field(
        metadata={
            "name": "idChannel",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    channel_description: str = field(
        metadata={
            "name": "channelDescription",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    payer: None | CtSubject = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    payment_method: None | str = field(
        default=None,
        metadata={
            "name": "paymentMethod",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        },
    )
    payment_note: None | str = field(
        default=None,
        metadata={
            "name": "paymentNote",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 210,
        },
    )
    fee: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        },
    )
    primary_ci_incurred_fee: None | str = field(
        default=None,
        metadata={
            "name": "primaryCiIncurredFee",
            "type": "Element",
            "namespace": "",
            "max_inclusive": "999999999.99",
            "pattern": r"\d+\.\d{2}",
        },
    )
    id_bundle: None | str = field(
        default=None,
        metadata={
            "name": "idBundle",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        },
    )
    id_ci_bundle: None | str = field(
        default=None,
        metadata={
            "name": "idCiBundle",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 70,
        },
    )
    payment_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "paymentDateTime",
            "type": "Element",
            "namespace": "",
        },
    )
    application_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "applicationDate",
            "type": "Element",
            "namespace": "",
        },
    )
    transfer_date: None | XmlDate = field(
        default=None,
        metadata={
            "name": "transferDate",
            "type": "Element",
            "namespace": "",
        },
    )
    metadata: None | CtMetadata = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )
    stand_in: None | bool = field(
        default=None,
        metadata={
            "name": "standIn",
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaDemandPaymentNoticeResponse(CtResponse):
    class Meta:
        name = "paDemandPaymentNoticeResponse"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    qr_code: None | CtQrCode = field(
        default=None,
        metadata={
            "name": "qrCode",
            "type": "Element",
            "namespace": "",
        },
    )
    payment_list: None | CtPaymentOptionsDescriptionListPa = field(
        default=None,
        metadata={
            "name": "paymentList",
            "type": "Element",
            "namespace": "",
        },
    )
    payment_description: None | str = field(
        default=None,
        metadata={
            "name": "paymentDescription",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    fiscal_code_pa: None | str = field(
        default=None,
        metadata={
            "name": "fiscalCodePA",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        },
    )
    company_name: None | str = field(
        default=None,
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )


@dataclass(kw_only=True)
class PaVerifyPaymentNoticeRes(CtResponse):
    class Meta:
        name = "paVerifyPaymentNoticeRes"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    payment_list: None | CtPaymentOptionsDescriptionListPa = field(
        default=None,
        metadata={
            "name": "paymentList",
            "type": "Element",
            "namespace": "",
        },
    )
    payment_description: None | str = field(
        default=None,
        metadata={
            "name": "paymentDescription",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    fiscal_code_pa: None | str = field(
        default=None,
        metadata={
            "name": "fiscalCodePA",
            "type": "Element",
            "namespace": "",
            "length": 11,
            "pattern": r"[0-9]{11}",
        },
    )
    company_name: None | str = field(
        default=None,
        metadata={
            "name": "companyName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )
    office_name: None | str = field(
        default=None,
        metadata={
            "name": "officeName",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 140,
        },
    )


@dataclass(kw_only=True)
class PaGetPaymentRes(CtResponse):
    class Meta:
        name = "paGetPaymentRes"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    data: None | CtPaymentPa = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaGetPaymentV2Response(CtResponse):
    class Meta:
        name = "paGetPaymentV2Response"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    data: None | CtPaymentPav2 = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "",
        },
    )


@dataclass(kw_only=True)
class PaSendRtreq:
    class Meta:
        name = "paSendRTReq"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    receipt: CtReceipt = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )


@dataclass(kw_only=True)
class PaSendRtv2Request:
    class Meta:
        name = "paSendRTV2Request"
        namespace = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"

    id_pa: str = field(
        metadata={
            "name": "idPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_broker_pa: str = field(
        metadata={
            "name": "idBrokerPA",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    id_station: str = field(
        metadata={
            "name": "idStation",
            "type": "Element",
            "namespace": "",
            "min_length": 1,
            "max_length": 35,
        }
    )
    receipt: CtReceiptV2 = field(
        metadata={
            "type": "Element",
            "namespace": "",
        }
    )
