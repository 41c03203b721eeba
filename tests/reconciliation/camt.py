"""camt.053 statements written the way a treasurer's bank writes them, for the tests."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Entry:
    amount: str
    remittance: str = ""
    reference: str = ""
    indicator: str = "CRDT"
    status: str = "BOOK"
    booking: str = "2026-11-27"
    value: str = "2026-11-27"
    currency: str = "EUR"


def statement(entries: list[Entry], *, version: str = "02",
              iban: str = "IT60X0542811101000000123456",
              message_id: str = "MSG-1") -> bytes:
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    modern = int(version) >= 4
    ntries = []
    for e in entries:
        sts = f"<Sts><Cd>{e.status}</Cd></Sts>" if modern else f"<Sts>{e.status}</Sts>"
        ref = f"<AcctSvcrRef>{escape(e.reference)}</AcctSvcrRef>" if e.reference else ""
        rmt = (f"<RmtInf><Ustrd>{escape(e.remittance)}</Ustrd></RmtInf>" if e.remittance else "")
        ntries.append(
            f"<Ntry><Amt Ccy=\"{e.currency}\">{e.amount}</Amt><CdtDbtInd>{e.indicator}</CdtDbtInd>"
            f"{sts}<BookgDt><Dt>{e.booking}</Dt></BookgDt><ValDt><Dt>{e.value}</Dt></ValDt>{ref}"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
            f"</Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            f"{rmt}</TxDtls></NtryDtls></Ntry>")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-28T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>STMT-1</Id><CreDtTm>2026-11-28T06:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">0.00</Amt>"
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>"
        + "".join(ntries) + "</Stmt></BkToCstmrStmt></Document>")
    return xml.encode()
