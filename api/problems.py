"""RFC 9457 problem details for every error the API answers, with a stable ``code``
for machines and an Italian ``detail`` for people.

The exception handlers below replace django-ninja's defaults (which answer
``{"detail": …}``) for validation errors, bad JSON, authentication, 404, 405 and the
domain's own ``ValidationError``, so a caller parses one shape whatever went wrong."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:sportello:api:problem:"


@dataclass
class ApiProblem(Exception):
    """Raise anywhere in an API view: answered as a problem response."""

    status: int
    code: str
    detail: str
    errors: list[dict] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def titles() -> dict[int, str]:
    return {
        400: _("Richiesta non valida"),
        401: _("Autenticazione richiesta"),
        403: _("Accesso negato"),
        404: _("Risorsa non trovata"),
        405: _("Metodo non consentito"),
        406: _("Formato non disponibile"),
        409: _("Conflitto con lo stato della risorsa"),
        413: _("Richiesta troppo grande"),
        415: _("Tipo di contenuto non supportato"),
        422: _("Dati non validi"),
        429: _("Troppe richieste"),
        500: _("Errore interno"),
    }


def problem_response(request: HttpRequest, status: int, code: str, detail: str,
                     errors: list[dict] | None = None,
                     headers: dict[str, str] | None = None) -> HttpResponse:
    body = {
        "type": f"{TYPE_BASE}{code}",
        "title": titles().get(status, _("Errore")),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
        "errors": errors or [],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- pydantic's messages, in Italian -----------------------------------------------------

def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("Campo obbligatorio."),
        "extra_forbidden": _("Campo sconosciuto."),
        "string_type": _("Deve essere un testo."),
        "string_too_short": _("Testo troppo corto (almeno %(n)s caratteri).")
        % {"n": ctx.get("min_length")},
        "string_too_long": _("Testo troppo lungo (al massimo %(n)s caratteri).")
        % {"n": ctx.get("max_length")},
        "string_pattern_mismatch": _("Formato non valido (una riga, senza caratteri di "
                                     "controllo)."),
        "int_type": _("Deve essere un numero intero."),
        "int_parsing": _("Deve essere un numero intero."),
        "int_from_float": _("Deve essere un numero intero (centesimi, senza decimali)."),
        "bool_type": _("Deve essere true o false."),
        "bool_parsing": _("Deve essere true o false."),
        "greater_than_equal": _("Deve essere almeno %(n)s.") % {"n": ctx.get("ge")},
        "less_than_equal": _("Deve essere al massimo %(n)s.") % {"n": ctx.get("le")},
        "date_type": _("Data non valida: usa AAAA-MM-GG."),
        "date_parsing": _("Data non valida: usa AAAA-MM-GG."),
        "date_from_datetime_parsing": _("Data non valida: usa AAAA-MM-GG."),
        "date_from_datetime_inexact": _("Data non valida: usa AAAA-MM-GG."),
        "datetime_type": _("Data e ora non valide: usa ISO 8601."),
        "datetime_parsing": _("Data e ora non valide: usa ISO 8601."),
        "datetime_from_date_parsing": _("Data e ora non valide: usa ISO 8601."),
        "list_type": _("Deve essere un elenco."),
        "too_short": _("Elenco troppo corto (almeno %(n)s elementi).")
        % {"n": ctx.get("min_length")},
        "too_long": _("Elenco troppo lungo (al massimo %(n)s elementi).")
        % {"n": ctx.get("max_length")},
        "model_attributes_type": _("Deve essere un oggetto."),
        "dict_type": _("Deve essere un oggetto."),
        "literal_error": _("Valore non ammesso."),
    }
    return messages.get(kind, _("Valore non valido."))


def _where(loc) -> str:
    """``body.options.0.amount_cents`` (ninja's own ``payload`` step left out)."""
    parts = [str(part) for part in loc]
    if parts[:2] == ["body", "payload"]:
        del parts[1]
    return ".".join(parts)


# --- handlers ------------------------------------------------------------------------------

def on_validation_error(request, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"field": _where(e.get("loc", ())), "message": _pydantic_message(e),
               "type": e.get("type", "")} for e in exc.errors]
    return problem_response(request, 422, "invalid_request",
                            _("La richiesta contiene dati non validi: vedi errors."), errors)


def on_domain_error(request, exc: DjangoValidationError) -> HttpResponse:
    """A pagoPA rule the domain refused (positions.editing): 422, or 409 when the
    position's state forbids the change."""
    conflicts = {"concurrent_edit", "payment_in_progress", "not_editable"}
    code = getattr(exc, "code", None)
    if code in conflicts:
        return problem_response(request, 409, code, " ".join(exc.messages))
    errors = [{"field": "", "message": m, "type": "domain"} for m in exc.messages]
    return problem_response(request, 422, "validation_failed",
                            _("La posizione non rispetta le regole di pagoPA: vedi errors."),
                            errors)


def on_http_error(request, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return problem_response(
            request, 401, "unauthorized",
            _("Token mancante, non valido o revocato: usa l'intestazione "
              "'Authorization: Bearer <token>' con un token attivo dell'Ente."),
            headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if exc.status_code == 400:
        return problem_response(request, 400, "invalid_json",
                                _("Il corpo della richiesta non è JSON valido."))
    if exc.status_code == 405:
        return problem_response(request, 405, "method_not_allowed",
                                _("Metodo non consentito su questo indirizzo."))
    return problem_response(request, exc.status_code, "http_error", str(exc))


def on_problem(request, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc.status, exc.code, exc.detail, exc.errors,
                            exc.headers)


def on_not_found(request, exc: Http404) -> HttpResponse:
    return not_found(request)


def not_found(request) -> HttpResponse:
    return problem_response(request, 404, "not_found",
                            _("Nessuna risorsa di questo Ente a questo indirizzo."))


def on_unexpected(request, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered as a problem (never a debug page)."""
    log.exception("API error on %s %s", request.method, request.path)
    return problem_response(request, 500, "server_error",
                            _("Errore interno: riprova più tardi. Se persiste, comunica "
                              "all'Ente l'ora della richiesta."))


def install(api) -> None:
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(DjangoValidationError, on_domain_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Exception, on_unexpected)


@csrf_exempt  # token-authenticated machines, no cookie: a PATCH here is a 404, not a 403
def problem_view(request, *args, **kwargs) -> HttpResponse:
    """Any other address under /api/v1/: a problem 404, not the portal's HTML page."""
    return not_found(request)
