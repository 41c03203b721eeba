"""The simulated App IO: the Services API at IO's paths (``/sandbox/io/api/v1/...``) and
the citizen's inbox as the app shows it.

It keeps its own records (services and keys, profiles, messages as received) and
answers as IO and its API gateway (APIM) do: 401 for an unknown key and 403 for a
suspended subscription (APIM's bodies, not ProblemJson), 404 for a fiscal code without
a profile, ``sender_allowed: false`` for a service the citizen blocked, a message to a
citizen who is not on IO or blocked the service accepted (201) and then REJECTED, and
the failure modes a tester switches on (profile not found, service not allowed, 429
with Retry-After, 500). *Paga* in the inbox starts Checkout from IO's own copy of the
message's ``payment_data``, as the app does: the Ente is asked through the Node.
"""

from __future__ import annotations

import json
import re
import uuid

import nh3
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from markdown_it import MarkdownIt

from pagopa.appio import MARKDOWN_LENGTH, MAX_AMOUNT_CENTS, SUBJECT_LENGTH
from sandbox import node
from sandbox.models import Cart, IoMessage, IoProfile, IoService
from sandbox.views import enabled

_FISCAL_CODE = re.compile(r"^[A-Z0-9]{16}$")
_NOTICE_NUMBER = re.compile(r"^[0123][0-9]{17}$")
_PAYEE = re.compile(r"^[0-9]{11}$")
KEY_HEADER = "HTTP_OCP_APIM_SUBSCRIPTION_KEY"
# What the app renders of a message's markdown: no raw HTML, links only over http(s).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
_TAGS = {"p", "h1", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "br", "code"}


def _apim(status: int, message: str) -> JsonResponse:
    """APIM's own refusal (not a ProblemJson: IO's functions never saw the call)."""
    return JsonResponse({"statusCode": status, "message": message}, status=status)


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": "about:blank", "title": title, "status": status,
                         "detail": detail}, status=status,
                        content_type="application/problem+json")


def _gateway(request) -> tuple[IoService | None, JsonResponse | None, dict | None]:
    """The calling service from its key, the switched-on failure, and the JSON body."""
    service = IoService.objects.filter(key=request.META.get(KEY_HEADER, "") or None).first()
    if service is None:
        return None, _apim(401, "Access denied due to invalid subscription key. Make sure "
                                "to provide a valid key for an active subscription."), None
    if service.suspended:
        return None, _apim(403, "Access denied due to inactive subscription."), None
    if service.failure == IoService.Failure.TOO_MANY:
        response = _apim(429, "Rate limit is exceeded.")
        response["Retry-After"] = str(service.retry_after_seconds)
        return None, response, None
    if service.failure == IoService.Failure.ERROR:
        return None, _problem(500, "Internal server error", "Simulated failure"), None
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return None, _problem(400, "Invalid payload", "body must be a JSON object"), None
    return service, None, body


@csrf_exempt
@require_POST
@enabled
def profiles(request):
    """``POST /profiles`` (getProfileByPOST): the LimitedProfile or 404."""
    service, refusal, body = _gateway(request)
    if refusal:
        return refusal
    fiscal_code = str(body.get("fiscal_code", ""))
    if not _FISCAL_CODE.match(fiscal_code):
        return _problem(400, "Invalid payload", "fiscal_code is not a fiscal code")
    profile = IoProfile.objects.filter(fiscal_code=fiscal_code).first()
    if profile is None or service.failure == IoService.Failure.PROFILE_NOT_FOUND:
        return _problem(404, "Profile not found",
                        "The profile you requested was not found in the system.")
    blocked = profile.blocked_services.filter(pk=service.pk).exists()
    return JsonResponse({"sender_allowed": not blocked, "preferred_languages": ["it_IT"]})


def _invalid_message(body: dict) -> str:
    """Why ``NewMessage`` is invalid ('' when valid), as IO's decoder would refuse it."""
    if not _FISCAL_CODE.match(str(body.get("fiscal_code", ""))):
        return "fiscal_code is required in the body"
    content = body.get("content")
    if not isinstance(content, dict):
        return "content is required"
    subject, markdown = content.get("subject"), content.get("markdown")
    if not isinstance(subject, str) or not SUBJECT_LENGTH[0] <= len(subject) <= SUBJECT_LENGTH[1]:
        return "content.subject must be 10..120 characters"
    if (not isinstance(markdown, str)
            or not MARKDOWN_LENGTH[0] <= len(markdown) <= MARKDOWN_LENGTH[1]):
        return "content.markdown must be 80..10000 characters"
    if "due_date" in content and parse_datetime(str(content["due_date"])) is None:
        return "content.due_date is not a timestamp"
    payment = content.get("payment_data")
    if payment is not None:
        if not isinstance(payment, dict):
            return "content.payment_data must be an object"
        amount = payment.get("amount")
        if (not isinstance(amount, int) or isinstance(amount, bool)
                or not 1 <= amount <= MAX_AMOUNT_CENTS):
            return "payment_data.amount must be cents in 1..9999999999"
        if not _NOTICE_NUMBER.match(str(payment.get("notice_number", ""))):
            return "payment_data.notice_number must match ^[0123][0-9]{17}$"
        payee = payment.get("payee")
        if payee is not None and not (isinstance(payee, dict)
                                      and _PAYEE.match(str(payee.get("fiscal_code", "")))):
            return "payment_data.payee.fiscal_code must be 11 digits"
    return ""


@csrf_exempt
@require_POST
@enabled
def messages(request):
    """``POST /messages`` (fiscal code in the body): 201 with the new message's id."""
    service, refusal, body = _gateway(request)
    if refusal:
        return refusal
    invalid = _invalid_message(body)
    if invalid:
        return _problem(400, "Invalid payload", invalid)
    if service.failure == IoService.Failure.NOT_ALLOWED:
        return _problem(403, "You are not allowed to issue requests for the recipient.",
                        "The service is not allowed to send messages to this recipient")
    content, fiscal_code = body["content"], body["fiscal_code"]
    payment = content.get("payment_data") or {}
    profile = IoProfile.objects.filter(fiscal_code=fiscal_code).first()
    delivered = profile is not None and not profile.blocked_services.filter(
        pk=service.pk).exists()
    message = IoMessage.objects.create(
        id=uuid.uuid4().hex[:26].upper(), service=service, fiscal_code=fiscal_code,
        subject=content["subject"], markdown=content["markdown"],
        due_date=parse_datetime(content["due_date"]) if content.get("due_date") else None,
        amount_cents=payment.get("amount"), notice_number=payment.get("notice_number", ""),
        # Without a payee, IO pays the service's own organization.
        payee_fiscal_code=(payment.get("payee") or {}).get(
            "fiscal_code", service.organization_fiscal_code) if payment else "",
        invalid_after_due_date=bool(payment.get("invalid_after_due_date")),
        status=IoMessage.Status.PROCESSED if delivered else IoMessage.Status.REJECTED,
        body=body)
    response = JsonResponse({"id": message.id}, status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("sandbox:io_message", args=[fiscal_code, message.id]))
    return response


@require_GET
@enabled
def message(request, fiscal_code: str, message_id: str):
    """``GET /messages/{fiscal_code}/{id}`` (getMessage), for the calling service only."""
    service, refusal, _body = _gateway_get(request)
    if refusal:
        return refusal
    found = IoMessage.objects.filter(pk=message_id, fiscal_code=fiscal_code,
                                     service=service).first()
    if found is None:
        return _problem(404, "Message not found", "No message found for the provided ID.")
    return JsonResponse({"message": {"id": found.id, "fiscal_code": found.fiscal_code,
                                     "created_at": found.created_at.isoformat(),
                                     "content": found.body["content"],
                                     "sender_service_id": str(service.pk)},
                         "status": found.status})


def _gateway_get(request):
    service = IoService.objects.filter(key=request.META.get(KEY_HEADER, "") or None).first()
    if service is None:
        return None, _apim(401, "Access denied due to invalid subscription key."), None
    if service.suspended:
        return None, _apim(403, "Access denied due to inactive subscription."), None
    return service, None, None


# --- The app's inbox ----------------------------------------------------------------

def render_markdown(text: str) -> str:
    """The message body as the app shows it: CommonMark without raw HTML, cleaned."""
    return mark_safe(nh3.clean(_MARKDOWN.render(text), tags=_TAGS,  # noqa: S308
                               url_schemes={"http", "https"}, link_rel="noopener noreferrer"))


@require_GET
@enabled
def inbox(request, fiscal_code: str | None = None):
    """The citizens of the simulated IO (its own test profiles) and one's inbox."""
    profile = None
    rows = []
    if fiscal_code is not None:
        profile = get_object_or_404(IoProfile, fiscal_code=fiscal_code)
        for item in IoMessage.objects.filter(
                fiscal_code=fiscal_code, status=IoMessage.Status.PROCESSED
        ).select_related("service"):
            rows.append({"message": item, "html": render_markdown(item.markdown),
                         "payable": _payable(item)})
    return render(request, "sandbox/io_inbox.html", {
        "profiles": IoProfile.objects.all()[:200], "profile": profile, "rows": rows,
        "outcome": request.GET.get("esito", "")})


def _payable(message: IoMessage) -> bool:
    if not message.notice_number or not message.amount_cents:
        return False
    if message.invalid_after_due_date and message.due_date:
        return message.due_date >= timezone.now()
    return True


@require_POST
@enabled
def pay(request, message_id: str):
    """*Paga* on a message: a Checkout cart from IO's own copy of ``payment_data``."""
    message = get_object_or_404(IoMessage, pk=message_id, status=IoMessage.Status.PROCESSED)
    back = settings.SITE_URL.rstrip("/") + reverse("sandbox:io_inbox",
                                                   args=[message.fiscal_code])
    if not _payable(message):
        return HttpResponseRedirect(back + "?esito=scaduto")
    notices = [{"noticeNumber": message.notice_number,
                "fiscalCode": message.payee_fiscal_code, "amount": message.amount_cents,
                "companyName": message.service.name[:140],
                "description": message.subject[:140]}]
    if node.check_position(notices):
        return HttpResponseRedirect(back + "?esito=errore")
    with transaction.atomic():
        cart = Cart.objects.create(
            version=2, notices=notices, return_ok=back + "?esito=ok",
            return_cancel=back + "?esito=annullato", return_error=back + "?esito=errore",
            id_cart=f"IO-{message.id}"[:210])
    return HttpResponseRedirect(reverse("sandbox:checkout", args=[cart.id]))
