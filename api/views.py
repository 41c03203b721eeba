"""The REST API at /api/v1/ (django-ninja): small views, the work is in api.operations
and api.bulk, and through them in the positions domain.

Scope: the token's Ente, always; another Ente's id, IUV or reference answers the same
404 as one that does not exist. Errors: RFC 9457 problems (api.problems)."""

from __future__ import annotations

import functools
import inspect
from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Header, NinjaAPI, Query, Status

from api import bulk, operations
from api.auth import TokenAuth
from api.docs import VendoredSwagger
from api.problems import CONTENT_TYPE, ApiProblem, install
from api.schemas import (
    AccountingPage,
    BulkIn,
    BulkOut,
    CancelIn,
    PositionIn,
    PositionOut,
    PositionPage,
    PositionUpdate,
    Problem,
    ReceiptPage,
)

DESCRIPTION = """
API per i sistemi dell'Ente: crea, legge, modifica e annulla posizioni debitorie, elenca
le modifiche e le ricevute per la riconciliazione, scarica avvisi e quietanze.

**Autenticazione**: `Authorization: Bearer <token>`, con un token creato dal
*responsabile* nel back office (*Token API*). Ogni token vede solo il proprio Ente.

**Errori**: `application/problem+json` (RFC 9457) con `type`, `title`, `status`,
`detail` (in italiano), `instance`, `code` (stabile, per le macchine) e `errors`.

**Importi** in centesimi di euro; **date** ISO 8601.
"""

PROBLEMS = {400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem,
            429: Problem}

class SportelloAPI(NinjaAPI):
    """Error responses are documented as what they are: application/problem+json."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = SportelloAPI(
    title="Sportello API", version="1", description=DESCRIPTION, urls_namespace="api",
    auth=TokenAuth(), docs=VendoredSwagger(), docs_url="/docs", openapi_url="/openapi.json",
)
install(api)

PositionId = int


def strict_query(view):
    """Refuse query parameters the operation does not declare, as the schema says: a typo
    such as ``sinse`` would otherwise be ignored and list everything."""
    declared = set(inspect.signature(view).parameters) - {"request"}

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - declared)
        if unknown:
            raise ApiProblem(400, "unknown_parameter", str(
                _("Parametri sconosciuti: %(names)s.") % {"names": ", ".join(unknown)}))
        return view(request, *args, **kwargs)
    return checked


def _limit(limit: int) -> int:
    return max(1, min(limit, operations.MAX_PAGE))


@api.post("/positions", response={200: PositionOut, 201: PositionOut, **PROBLEMS},
          summary="Crea una posizione", tags=["positions"])
def create_position(request, payload: PositionIn,
                    idempotency_key: str = Header("", alias="Idempotency-Key",
                                                  max_length=255, pattern=r"^[\x21-\x7e]*$")):
    """Unica soluzione, rate (anche più piani alternativi) e trasferimenti. Idempotente:
    lo stesso `reference` o la stessa intestazione `Idempotency-Key` restituiscono la
    posizione già creata con 200 (201 quando è nuova)."""
    position, created = operations.create(request.api_token, payload,
                                          idempotency_key=idempotency_key, request=request)
    return Status(201 if created else 200, operations.fresh(position))


@api.post("/positions/bulk", response={200: BulkOut, **PROBLEMS},
          summary="Crea fino a 1.000 posizioni", tags=["positions"])
@strict_query
def create_positions(request, payload: BulkIn, all_or_nothing: bool = True):
    """Tutto o niente (predefinito): un elemento non valido e non si scrive nulla (422 con
    gli errori di ciascun elemento). Con `all_or_nothing=false` si scrivono i validi e si
    riceve l'esito di ciascuno. Ogni elemento richiede un `reference`: ripetere la
    chiamata non crea doppioni (esito `unchanged`)."""
    results = bulk.create_many(request.api_token, payload.positions,
                               all_or_nothing=all_or_nothing, request=request)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return {"all_or_nothing": all_or_nothing, "counts": counts,
            "items": [vars(r) for r in results]}


@api.get("/positions/changes", response={200: PositionPage, **PROBLEMS},
         summary="Posizioni cambiate da un istante", tags=["positions"])
@strict_query
def changed_positions(request, since: datetime, cursor: str | None = Query(
        None, max_length=2000), limit: int = Query(100, ge=1, le=operations.MAX_PAGE)):
    """In ordine stabile (updated_at, id). Prima chiamata con `since`, poi con lo stesso
    `since` e il `next_cursor` ricevuto finché è null (il cursore prevale). Una posizione
    cambiata di nuovo riappare dopo."""
    rows, next_cursor = operations.page(
        operations.positions_of(request.organization), "positions", "updated_at",
        since=since, cursor=cursor, limit=_limit(limit))
    return {"items": [operations.position_out(p) for p in rows],
            "next_cursor": next_cursor}


@api.get("/positions/{int:position_id}", response={200: PositionOut, **PROBLEMS},
         summary="Leggi una posizione", tags=["positions"])
def get_position(request, position_id: PositionId):
    return operations.position_out(
        operations.find_position(request.organization, pk=position_id))


@api.get("/positions/by-iuv/{iuv}", response={200: PositionOut, **PROBLEMS},
         summary="Leggi per IUV", tags=["positions"])
def get_by_iuv(request, iuv: str):
    return operations.position_out(
        operations.find_position(request.organization, iuv=_digits(iuv, 17)))


@api.get("/positions/by-notice/{notice_number}", response={200: PositionOut, **PROBLEMS},
         summary="Leggi per codice avviso", tags=["positions"])
def get_by_notice(request, notice_number: str):
    return operations.position_out(
        operations.find_position(request.organization,
                                 notice_number=_digits(notice_number, 18)))


@api.get("/positions/by-reference/{reference}", response={200: PositionOut, **PROBLEMS},
         summary="Leggi per riferimento pratica", tags=["positions"])
def get_by_reference(request, reference: str):
    if len(reference) > 35 or any(ord(c) < 32 or c == "\x7f" for c in reference):
        raise Http404
    return operations.position_out(
        operations.find_position(request.organization, reference=reference))


@api.patch("/positions/{int:position_id}", response={200: PositionOut, **PROBLEMS},
           summary="Modifica una posizione non pagata", tags=["positions"])
def update_position(request, position_id: PositionId, payload: PositionUpdate):
    """Causale, riferimento, debitore e, per IUV, importo, scadenza e trasferimenti.
    409 se pagata, annullata, in pagamento o cambiata dopo la `version` indicata."""
    position = operations.find_position(request.organization, pk=position_id)
    operations.update(request.api_token, position, payload, request=request)
    return operations.fresh(position)


@api.post("/positions/{int:position_id}/cancel", response={200: PositionOut, **PROBLEMS},
          summary="Annulla una posizione", tags=["positions"])
def cancel_position(request, position_id: PositionId, payload: CancelIn):
    """Con il motivo (almeno 5 caratteri); definitivo. 409 se pagata o in pagamento."""
    position = operations.find_position(request.organization, pk=position_id)
    operations.cancel(request.api_token, position, payload.reason, payload.version,
                      request=request)
    return operations.fresh(position)


@api.get("/positions/{int:position_id}/notice.pdf",
         response={200: bytes, **PROBLEMS}, summary="Avviso di pagamento (PDF)",
         tags=["documents"], openapi_extra={"responses": {200: {
             "description": "PDF", "content": {"application/pdf": {"schema": {
                 "type": "string", "format": "binary"}}}}}})
def notice_pdf(request, position_id: PositionId):
    from documents.builders import NothingPayable
    from documents.notices import notice_file
    from documents.responses import pdf_attachment

    position = operations.find_position(request.organization, pk=position_id)
    try:
        document = notice_file(position)
    except NothingPayable as exc:
        raise ApiProblem(409, "nothing_payable",
                         str(_("La posizione non ha nulla da pagare: nessun avviso."))) from exc
    return pdf_attachment(document.content, document.filename)


@api.get("/receipts", response={200: ReceiptPage, **PROBLEMS},
         summary="Ricevute da un istante", tags=["receipts"])
@strict_query
def list_receipts(request, since: datetime, cursor: str | None = Query(
        None, max_length=2000), limit: int = Query(100, ge=1, le=operations.MAX_PAGE)):
    """Le ricevute (RT) arrivate da `since`, in ordine (received_at, id), con cursore come
    per le posizioni: per la riconciliazione."""
    rows, next_cursor = operations.page(
        operations.receipts_of(request.organization), "receipts", "received_at",
        since=since, cursor=cursor, limit=_limit(limit))
    return {"items": [operations.receipt_out(r) for r in rows],
            "next_cursor": next_cursor}


@api.get("/reconciliation/accounting", response={200: AccountingPage, **PROBLEMS},
         summary="Incassi per la ragioneria", tags=["reconciliation"])
@strict_query
def accounting(request, since: datetime | None = None, date_from: date | None = None,
               date_to: date | None = None, reported: bool | None = None,
               cursor: str | None = Query(None, max_length=2000),
               limit: int = Query(100, ge=1, le=operations.MAX_PAGE)):
    """Le ricevute incassate nel tracciato della ragioneria, come l'export del back office:
    data del pagamento, IUV, codice avviso, debitore, servizio con capitolo e
    accertamento, causale, importo, commissione, PSP, IUR, flusso di rendicontazione,
    data di regolamento e di accredito del tesoriere. Filtri per data del pagamento
    (`date_from`, `date_to`) e `reported` (true: riportate da un flusso in vigore;
    false: non ancora). Ordine (received_at, id), con cursore come per /receipts."""
    from reconciliation.exports import accounting_queryset, accounting_records

    if date_from and date_to and date_from > date_to:
        raise ApiProblem(400, "invalid_dates",
                         str(_("date_from deve precedere o coincidere con date_to.")))
    rows, next_cursor = operations.page(
        accounting_queryset(request.organization, date_from=date_from, date_to=date_to,
                            reported=reported),
        "accounting", "received_at", since=since, cursor=cursor, limit=_limit(limit))
    return {"items": accounting_records(rows), "next_cursor": next_cursor}


@api.get("/receipts/{int:receipt_id}/quietanza.pdf",
         response={200: bytes, **PROBLEMS}, summary="Quietanza (PDF)",
         tags=["documents"], openapi_extra={"responses": {200: {
             "description": "PDF", "content": {"application/pdf": {"schema": {
                 "type": "string", "format": "binary"}}}}}})
def receipt_pdf(request, receipt_id: int):
    from documents.receipts import receipt_filename
    from documents.receipts import receipt_pdf as render
    from documents.responses import pdf_attachment

    receipt = operations.receipts_of(request.organization).filter(
        pk=receipt_id, applied=True).first()
    if receipt is None:
        raise Http404
    return pdf_attachment(render(receipt),
                          receipt_filename(receipt.creditor_reference_id, receipt.pk))


def _digits(value: str, length: int) -> str:
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise Http404
    return value


