"""HTTP side of the sandbox's FdR service: the PSP API (``openapi-psp.json``) under
``/sandbox/fdr-psp/service/v1`` and the organisations' API (``openapi-organizations.json``)
under ``/sandbox/fdr-org/service/v1``, at pagoPA's paths so ``PAGOPA_FDR_URL`` only has
to point here; plus the tester's page ``/sandbox/fdr/`` and the treasurer's statement."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sandbox import fdr, fdr_publish, treasury
from sandbox.fdr import FdrError
from sandbox.forms import FdrFailureForm, FdrPublishForm, StatementForm
from sandbox.models import SandboxFlow, Station, TreasuryCredit
from sandbox.views import enabled

INFO = {"name": "pagopa-fdr", "version": "1.1.60", "environment": "sandbox",
        "description": "FDR - Flussi di rendicontazione (sandbox)"}


def api(view: Callable) -> Callable:
    """JSON in and out; an ``FdrError`` becomes pagoPA's ``ErrorResponse``."""

    @csrf_exempt
    @enabled
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except FdrError as error:
            return JsonResponse(error.body(), status=error.status)

    return wrapper


def _body(request) -> object:
    try:  # Decimal: an amount is never a float on its way to cents
        return json.loads(request.body or b"null", parse_float=Decimal)
    except ValueError as exc:
        raise fdr.bad("body: not JSON", "", "FDR-0700") from exc


def _int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if (not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1
            or (maximum and int(raw) > maximum)):
        raise fdr.bad(f"{name}: an integer from 1" + (f" to {maximum}" if maximum else ""),
                      name, "FDR-0700")
    return int(raw)


def _instant(request, name: str):
    raw = request.GET.get(name)
    return None if raw in (None, "") else fdr.instant(raw, name)


def _paging(request, maximum: int | None = None) -> tuple[int, int]:
    return _int(request, "page", 1), _int(request, "size", 1000, maximum)


def _ok(message: str = "Success", status: int = 200) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


@require_GET
@api
def info(request):
    return JsonResponse(INFO)


# --- PSP API ------------------------------------------------------------------------------

@require_http_methods(["POST", "DELETE"])
@api
def psp_flow(request, psp_id: str, name: str):
    if request.method == "DELETE":
        fdr.delete(psp_id, name)
        return _ok(f"Fdr [{name}] deleted")
    fdr.create(psp_id, name, _body(request))
    return _ok(f"Fdr [{name}] saved", status=201)


@require_http_methods(["PUT"])
@api
def psp_add(request, psp_id: str, name: str):
    fdr.add_payments(psp_id, name, _body(request))
    return _ok(f"Fdr [{name}] payment added")


@require_http_methods(["PUT"])
@api
def psp_delete_payments(request, psp_id: str, name: str):
    fdr.delete_payments(psp_id, name, _body(request))
    return _ok(f"Fdr [{name}] payment deleted")


@require_http_methods(["POST"])
@api
def psp_publish(request, psp_id: str, name: str):
    fdr.publish(psp_id, name)
    return _ok(f"Fdr [{name}] published")


@require_GET
@api
def psp_created(request, psp_id: str):
    number, size = _paging(request)
    rows, metadata, total = fdr.page(fdr.drafts(psp_id, _instant(request, "createdGt")),
                                     number, size)
    return JsonResponse(fdr.paged(({"fdr": f.fdr, "organizationId": f.organization_id,
                                    "revision": f.revision, "created": fdr.stamp(f.created_at)}
                                   for f in rows), metadata, total))


@require_GET
@api
def psp_created_flow(request, psp_id: str, name: str, organization_id: str):
    return JsonResponse(fdr.flow_json(fdr.one_draft(psp_id, name, organization_id),
                                      with_published=False))


@require_GET
@api
def psp_created_payments(request, psp_id: str, name: str, organization_id: str):
    flow = fdr.one_draft(psp_id, name, organization_id)
    return _payments_page(request, flow)


@require_GET
@api
def psp_published(request, psp_id: str):
    number, size = _paging(request)
    flows = fdr.published(request.GET.get("organizationId") or None, psp_id,
                          _instant(request, "publishedGt"))
    rows, metadata, total = fdr.page(flows, number, size)
    return JsonResponse(fdr.paged(({"fdr": f.fdr, "organizationId": f.organization_id,
                                    "revision": f.revision,
                                    "published": fdr.stamp(f.published_at)} for f in rows),
                                  metadata, total))


@require_GET
@api
def psp_published_flow(request, psp_id: str, name: str, revision: int, organization_id: str):
    return JsonResponse(fdr.flow_json(fdr.one_published(organization_id, name, revision,
                                                        psp_id)))


@require_GET
@api
def psp_published_payments(request, psp_id: str, name: str, revision: int,
                           organization_id: str):
    return _payments_page(request, fdr.one_published(organization_id, name, revision, psp_id))


def _payments_page(request, flow: SandboxFlow, garble: bool = False) -> JsonResponse:
    number, size = _paging(request)
    rows, metadata, total = fdr.page(fdr.payments_of(flow), number, size)
    shape = fdr.garbled if garble else fdr.payment_json
    return JsonResponse(fdr.paged(map(shape, rows), metadata, total))


# --- organisations' API ---------------------------------------------------------------------

def organization_api(view: Callable) -> Callable:
    """The Ente's switch of failure modes first: 401 as the API gateway answers a refused
    subscription key, or pagoPA's 500."""

    @wraps(view)
    def wrapper(request, organization_id: str, *args, **kwargs):
        failure = (Station.objects.filter(ec_fiscal_code=organization_id)
                   .values_list("fdr_failure", flat=True).first())
        if failure == "401":
            return JsonResponse({"statusCode": 401, "message": "Access denied due to invalid "
                                 "subscription key. Make sure to provide a valid key for an "
                                 "active subscription."}, status=401)
        if failure == "500":
            raise FdrError(500, "FDR-0500",
                           "An unexpected error has occurred. Please contact support.")
        return view(request, organization_id, *args, **kwargs)

    return api(wrapper)


@require_GET
@organization_api
def org_flows(request, organization_id: str):
    number, size = _paging(request, maximum=1000)
    if len(organization_id) > 35:
        raise fdr.bad("organizationId: 1 to 35 characters", "organizationId", "FDR-0700")
    flows = fdr.published(organization_id, request.GET.get("pspId") or None,
                          _instant(request, "publishedGt"), _instant(request, "flowDate"))
    rows, metadata, total = fdr.page(flows, number, size)
    return JsonResponse(fdr.paged(({"fdr": f.fdr, "pspId": f.psp_id, "revision": f.revision,
                                    "published": fdr.stamp(f.published_at),
                                    "flowDate": fdr.stamp(f.fdr_date)} for f in rows),
                                  metadata, total))


@require_GET
@organization_api
def org_flow(request, organization_id: str, name: str, revision: int, psp_id: str):
    return JsonResponse(fdr.flow_json(fdr.one_published(organization_id, name, revision,
                                                        psp_id)))


@require_GET
@organization_api
def org_payments(request, organization_id: str, name: str, revision: int, psp_id: str):
    flow = fdr.one_published(organization_id, name, revision, psp_id)
    return _payments_page(request, flow, garble=flow.malformed)


def not_found(request, *args, **kwargs):
    """Anything else under the two APIs: pagoPA's JSON 404, not an HTML page."""
    error = FdrError(404, "FDR-0404", "Resource not found")
    return JsonResponse(error.body(), status=404)



# --- the tester's page ------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@enabled
def page(request):
    """``/sandbox/fdr/``: publish a day's flows (with faults), download the treasurer's
    statement, switch the organisations' API failure modes."""
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    # Prefixes: three forms on one page, each field with its own id.
    publish_form = FdrPublishForm(request.POST if action == "publish" else None,
                                  initial={"day": today}, prefix="publish")
    statement_form = StatementForm(request.POST if action == "statement" else None,
                                   initial={"day": today}, prefix="statement")
    failure_form = FdrFailureForm(request.POST if action == "failure" else None,
                                  prefix="failure")
    if action == "publish" and publish_form.is_valid():
        data = publish_form.cleaned_data
        report = fdr_publish.publish_day(data["day"], data["organization"] or None,
                                         frozenset(data["faults"]))
        messages.success(request, _("Flussi pubblicati: %(flows)s; accrediti in tesoreria: "
                                    "%(credits)s.") % {"flows": len(report.flows),
                                                       "credits": len(report.credits)})
        for reason in report.skipped:
            messages.info(request, _("Non pubblicato: %(reason)s") % {"reason": reason})
        return redirect("sandbox:fdr")
    if action == "statement" and statement_form.is_valid():
        data = statement_form.cleaned_data
        response = HttpResponse(treasury.statement(data["day"], data["organization"]),
                                content_type="application/xml")
        response["Content-Disposition"] = (
            f'attachment; filename="{treasury.filename(data["day"], data["organization"])}"')
        return response
    if action == "failure" and failure_form.is_valid():
        data = failure_form.cleaned_data
        Station.objects.update_or_create(
            ec_fiscal_code=data["organization"],
            defaults={"fdr_failure": data["failure"]},
            create_defaults={"fdr_failure": data["failure"],
                             "broker_id": data["organization"],
                             "station_id": f"{data['organization']}_01"})
        messages.success(request, _("Risposta dell'API dei flussi aggiornata."))
        return redirect("sandbox:fdr")
    return render(request, "sandbox/fdr.html", {
        "publish_form": publish_form, "statement_form": statement_form,
        "failure_form": failure_form,
        "flows": SandboxFlow.objects.filter(status=SandboxFlow.Status.PUBLISHED)
        .order_by("-published_at", "-pk")[:30],
        "credits": TreasuryCredit.objects.order_by("-booking_date", "-pk")[:30],
        "failures": Station.objects.exclude(fdr_failure=""),
    })
