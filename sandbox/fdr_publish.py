"""The sandbox's PSPs report a day: one flow per PSP per Ente, from the payments they
made (the Node's own records, ``sandbox.models.Payment``), published through the same
PSP-side operations the API offers; and the Ente's treasurer books each flow's credit.

Faults a tester may ask for (``FAULTS``) apply to the first flow of the run, so a test
knows which one: a payment missing, a wrong amount, an IUV the Ente never issued, a flow
the organisations' API serves garbled, a second revision, a flow with no credit, a
credit with no flow and a payment reported again in a second flow of the same PSP.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pagopa import soap
from sandbox import fdr
from sandbox.catalog import Psp, psp
from sandbox.models import Payment, SandboxFlow, TreasuryCredit

log = logging.getLogger(__name__)

FAULTS: dict[str, Promise] = {
    "missing_payment": _("un pagamento manca dal flusso"),
    "wrong_amount": _("un pagamento con l'importo sbagliato (1,00 € in più)"),
    "second_revision": _("il flusso è pubblicato due volte (seconda revisione)"),
    "no_credit": _("un flusso senza accredito in tesoreria"),
    "orphan_credit": _("un accredito in tesoreria senza flusso"),
    "unknown_iuv": _("un pagamento con uno IUV che l'Ente non ha mai emesso"),
    "malformed": _("un flusso con dati malformati"),
    "duplicated_payment": _("un pagamento rendicontato di nuovo in un secondo flusso "
                            "dello stesso PSP"),
}

#: The BIC each sandbox PSP pours its credits from (bicCodePouringBank).
BICS = {"SNDBXIT1": "SNDBITMMXXX", "SNDBXPO1": "BPPIITRRXXX", "SNDBXPY1": "PGSBITM1XXX",
        "SNDBXTB1": "TBCSITM1XXX"}
WRONG_BY_CENTS = 100
ORPHAN_CENTS = 4_321
REMITTANCE = "/PUR/LGPE-RIVERSAMENTO/URI/"
FALLBACK_IBAN = "IT60X0542811101000000123456"


@dataclass
class Row:
    """One transfer a PSP paid over to an Ente, as it goes in the flow."""

    iuv: str
    iur: str
    id_transfer: int
    amount_cents: int
    pay_status: str
    pay_date: dt.datetime
    iban: str = ""

    def json(self, index: int) -> dict:
        return {"index": index, "iuv": self.iuv, "iur": self.iur,
                "idTransfer": self.id_transfer, "pay": fdr.euro(self.amount_cents),
                "payStatus": self.pay_status, "payDate": fdr.stamp(self.pay_date)}


@dataclass
class Report:
    """What a run did, for the page and the command."""

    flows: list[SandboxFlow] = field(default_factory=list)
    credits: list[TreasuryCredit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def rows_of_day(day: dt.date, organization: str | None = None
                ) -> dict[tuple[str, str], tuple[str, list[Row]]]:
    """(PSP, Ente) → (Ente's name, rows) for the payments collected on ``day``."""
    groups: dict[tuple[str, str], tuple[str, list[Row]]] = {}
    payments = (Payment.objects.filter(status=Payment.Status.PAID, paid_at__date=day)
                .only("token", "psp", "ec_fiscal_code", "stand_in", "paid_at",
                      "get_payment_xml").order_by("paid_at", "pk"))
    for payment in payments.iterator(chunk_size=1000):
        try:
            info = soap.parse_response(payment.get_payment_xml.encode()).data
            transfers = info.transfers
        except (soap.SoapError, AttributeError):
            log.warning("Sandbox FdR: payment %s has no readable activation", payment.token)
            continue
        for transfer in transfers:
            ente = transfer.fiscal_code_pa
            if organization and ente != organization:
                continue
            name = (info.company_name if ente == payment.ec_fiscal_code
                    else transfer.company_name) or f"Ente {ente}"
            group = groups.setdefault((payment.psp, ente), (name[:140], []))
            group[1].append(Row(
                iuv=info.creditor_reference_id, iur=payment.token[:35],
                id_transfer=transfer.id_transfer, amount_cents=transfer.amount_cents,
                pay_status="STAND_IN" if payment.stand_in else "EXECUTED",
                pay_date=payment.paid_at, iban=transfer.iban or ""))
    return dict(sorted(groups.items()))


def publish_day(day: dt.date, organization: str | None = None,
                faults: frozenset[str] = frozenset(), now: dt.datetime | None = None
                ) -> Report:
    """Every sandbox PSP publishes its flow of ``day`` for each Ente it collected for.

    Run again, a flow already published for (PSP, Ente, day) is left as it is, unless
    ``second_revision`` is asked: then that PSP publishes the flow's next revision.
    """
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    report = Report()
    first = True
    for (psp_id, ente), (ente_name, rows) in rows_of_day(day, organization).items():
        provider = psp(psp_id)
        if provider is None:
            report.skipped.append(f"{psp_id}: PSP sconosciuto")
            continue
        existing = (SandboxFlow.objects.filter(psp_id=psp_id, organization_id=ente, day=day,
                                               status=SandboxFlow.Status.PUBLISHED)
                    .order_by("-revision").first())
        if existing and "second_revision" not in faults:
            report.skipped.append(f"{existing.fdr}: già pubblicato")
            continue
        mine = faults if first else frozenset()
        first = False
        rows = _with_faults(rows, mine, day)
        if not rows:
            report.skipped.append(f"{psp_id}/{ente}: nessun pagamento da rendicontare")
            continue
        if existing:  # a later run: the PSP corrects a flow it published already
            name, progressive = existing.fdr, int(existing.fdr.rsplit("-", 1)[1])
        else:
            name, progressive = _next_name(day, psp_id)
        header = _header(name, progressive, day, provider, ente, ente_name, now)
        try:
            with transaction.atomic():  # a flow, its revisions and its credits, or nothing
                if "second_revision" in mine and not existing:
                    earlier = rows[:-1] if len(rows) > 1 else rows
                    _send(psp_id, name, header, earlier, day, now)
                flow = _send(psp_id, name, header, rows, day, now,
                             malformed="malformed" in mine)
                credits = []
                if not existing and "no_credit" not in mine:
                    credits.append(_credit(flow, provider, rows))
                    if "orphan_credit" in mine:
                        credits.append(_credit(flow, provider, rows, orphan=True))
                again = None
                if "duplicated_payment" in mine:
                    # The PSP's next flow id of the day carries the first payment once
                    # more (and is credited for it): a double report, not a revision.
                    again_name, again_progressive = _next_name(day, psp_id)
                    again = _send(psp_id, again_name,
                                  _header(again_name, again_progressive, day, provider,
                                          ente, ente_name, now), rows[:1], day, now)
                    credits.append(_credit(again, provider, rows[:1]))
        except fdr.FdrError as error:  # e.g. the same day published twice at once
            log.warning("Sandbox FdR: %s not published: %s", name, error.message)
            report.skipped.append(f"{name}: {error.message}")
            continue
        report.flows.append(flow)
        if again is not None:
            report.flows.append(again)
        report.credits.extend(credits)
    return report


def _with_faults(rows: list[Row], faults: frozenset[str], day: dt.date) -> list[Row]:
    rows = list(rows)
    if "missing_payment" in faults and rows:
        last = rows[-1].iuv
        rows = [row for row in rows if row.iuv != last]
    if "wrong_amount" in faults and rows:
        rows[0] = replace(rows[0], amount_cents=rows[0].amount_cents + WRONG_BY_CENTS)
    if "unknown_iuv" in faults and rows:
        rows.append(replace(rows[0], iuv=f"99{day:%Y%m%d}0000001", iur=uuid.uuid4().hex,
                            id_transfer=1, amount_cents=1_000))
    return rows


def _next_name(day: dt.date, psp_id: str) -> tuple[str, int]:
    """``<date><pspId>-<progressive>``: the next progressive of that PSP for that day."""
    prefix = f"{day:%Y-%m-%d}{psp_id}-"
    taken = {int(n.rsplit("-", 1)[1]) for n in
             SandboxFlow.objects.filter(fdr__startswith=prefix).values_list("fdr", flat=True)
             if n.rsplit("-", 1)[1].isdigit()}
    progressive = max(taken, default=0) + 1
    return f"{prefix}{progressive:04d}", progressive


def _header(name: str, progressive: int, day: dt.date, provider: Psp, ente: str,
            ente_name: str, now: dt.datetime) -> dict:
    return {
        "fdr": name, "fdrDate": fdr.stamp(now),
        "sender": {"type": "LEGAL_PERSON", "id": provider.fiscal_code, "pspId": provider.id,
                   "pspName": provider.name, "pspBrokerId": provider.fiscal_code,
                   "channelId": f"{provider.id}_01"},
        "receiver": {"id": ente, "organizationId": ente, "organizationName": ente_name},
        "regulation": f"{day:%Y%m%d}{provider.id}{progressive:04d}SCT",
        "regulationDate": day.isoformat(),
        "bicCodePouringBank": BICS.get(provider.id, "SNDBITMMXXX"),
    }


def _send(psp_id: str, name: str, header: dict, rows: list[Row], day: dt.date,
          now: dt.datetime, malformed: bool = False) -> SandboxFlow:
    """Create, fill and publish one revision, through the PSP API's own operations."""
    body = {**header, "totPayments": len(rows),
            "sumPayments": fdr.euro(sum(row.amount_cents for row in rows))}
    with transaction.atomic():
        fdr.create(psp_id, name, body, day=day, now=now)
        payments = [row.json(index) for index, row in enumerate(rows, start=1)]
        for start in range(0, len(payments), fdr.MAX_BATCH):
            fdr.add_payments(psp_id, name, {"payments": payments[start:start + fdr.MAX_BATCH]})
        flow = fdr.publish(psp_id, name, now=now)
        if malformed:
            flow.malformed = True
            flow.save(update_fields=["malformed"])
    return flow


def _credit(flow: SandboxFlow, provider: Psp, rows: list[Row],
            orphan: bool = False) -> TreasuryCredit:
    """The treasurer books the PSP's SEPA credit for a flow (or, ``orphan``, one that
    names a flow nobody published)."""
    name = f"{flow.day or flow.regulation_date:%Y-%m-%d}{provider.id}-9999" if orphan \
        else flow.fdr
    return TreasuryCredit.objects.create(
        organization_id=flow.organization_id, booking_date=flow.regulation_date,
        amount_cents=ORPHAN_CENTS if orphan else flow.sum_payments_cents,
        fdr="" if orphan else flow.fdr, remittance=f"{REMITTANCE}{name}",
        regulation=(f"{flow.regulation[:31]}X999" if orphan else flow.regulation),
        psp_id=provider.id, psp_name=provider.name, bic=flow.bic[:11],
        iban=next((row.iban for row in rows if row.iban), FALLBACK_IBAN))

