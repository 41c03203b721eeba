"""The sandbox's pages and APIs: Checkout (carts API + payer pages), the Sportello PSP,
ACA, and an overview of what the simulated pagoPA did."""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from pagopa.qr import InvalidQrPayload, parse_qr_payload
from sandbox import node
from sandbox.carts import CartError, cart_from_json
from sandbox.catalog import METHODS, POSTE_PSP, psp
from sandbox.forms import MethodForm, NoticeForm, PayForm
from sandbox.models import AcaPosition, Cart, Payment, ReceiptDelivery, Station


def enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.SANDBOX_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse({"title": title, "status": status, "detail": detail}, status=status,
                        content_type="application/problem+json")


@enabled
def overview(request):
    return render(request, "sandbox/overview.html", {
        "payments": Payment.objects.prefetch_related("deliveries")[:30],
        "pending": ReceiptDelivery.objects.filter(status=ReceiptDelivery.Status.PENDING).count(),
        "stations": Station.objects.all(),  # the switches in force (set in the admin)
    })


# --- Checkout ------------------------------------------------------------------------

@csrf_exempt
@require_POST
@enabled
def carts(request, version: int):
    """``POST /checkout/ec/v{1,2}/carts``, as the real API: 302 to the cart's page."""
    try:
        cart = cart_from_json(json.loads(request.body or b"null"), version, settings.SITE_URL)
    except (ValueError, CartError) as exc:
        return _problem(400, "Formally invalid input", str(exc))
    refusal = node.check_position(cart.notices)
    if refusal:  # as pagopa-ecommerce-payment-requests-service after checkPosition
        return _problem(422, "Unprocessable request", refusal)
    cart.save()
    response = HttpResponse(status=302)
    response["Location"] = request.build_absolute_uri(
        reverse("sandbox:checkout", args=[cart.id]))
    return response


def _open_cart(cart_id) -> Cart:
    return get_object_or_404(Cart, pk=cart_id, status=Cart.Status.OPEN)


def _verified(cart: Cart) -> tuple[list[dict], str]:
    """Ask the Ente about each notice, as Checkout does before showing the cart."""
    rows = []
    for notice in cart.notices:
        try:
            response = node.verify(notice["fiscalCode"], notice["noticeNumber"])
        except node.NodeError as exc:
            return rows, str(exc)
        if not response.ok:
            return rows, f"{notice['noticeNumber']}: {response.fault.fault_code}"
        rows.append({"notice": notice, "info": response.data})
    return rows, ""


@require_http_methods(["GET", "POST"])
@enabled
def checkout(request, cart_id):
    cart = _open_cart(cart_id)
    form = MethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cart.method = form.cleaned_data["method"]
        cart.save(update_fields=["method"])
        return redirect("sandbox:checkout_psp", cart.id)
    rows, error = _verified(cart)
    cart.verified_amounts = {row["notice"]["noticeNumber"]: row["info"].amount_cents
                             for row in rows}
    cart.save(update_fields=["verified_amounts"])
    total = sum(row["info"].amount_cents for row in rows)
    return render(request, "sandbox/checkout.html", {
        "cart": cart, "rows": rows, "error": error, "form": form, "total": total})


@require_http_methods(["GET", "POST"])
@enabled
def checkout_psp(request, cart_id):
    cart = _open_cart(cart_id)
    if not cart.method:
        return redirect("sandbox:checkout", cart.id)
    form = PayForm(cart.method, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _pay_cart(cart, form.cleaned_data)
    return render(request, "sandbox/checkout_psp.html", {
        "cart": cart, "form": form, "method": METHODS.get(cart.method, cart.method)})


@require_POST
@enabled
def checkout_cancel(request, cart_id):
    cart = _open_cart(cart_id)
    cart.status = Cart.Status.CANCELLED
    cart.save(update_fields=["status"])
    return HttpResponseRedirect(cart.return_cancel)


def _activate(notice: dict, data: dict, note: str, cart: Cart | None, channel: str,
              fee_cents: int, transfer_type: str | None = None,
              verified_cents: int | None = None) -> Payment | str:
    """paGetPayment(V2) for one notice; the Payment (the Node's record of the activation,
    raw answer included), or why the Ente or the Node said no.

    Like the Node's activation, refused while the notice has a live token or once it is
    paid, also when two carts passed checkPosition together: the check is made again,
    with the INSERT, under the notice's lock (the Ente's answer is awaited before it)."""
    ec, number = notice["fiscalCode"], notice["noticeNumber"]
    refusal = node.notice_refusal(ec, number)
    if refusal:
        return refusal
    try:
        response, raw, station = node.get_payment(
            ec, number, note, transfer_type=transfer_type, amount_cents=verified_cents)
    except node.NodeError as exc:
        return str(exc)
    if not response.ok:
        return response.fault.fault_code
    with transaction.atomic():
        node.lock_notice(ec, number)
        refusal = node.notice_refusal(ec, number)
        if refusal:
            return refusal
        return Payment.objects.create(
            token=node.new_token(), cart=cart, channel=channel, ec_fiscal_code=ec,
            notice_number=number, amount_cents=response.data.amount_cents,
            fee_cents=fee_cents, psp=data["psp"], method=cart.method if cart else "CASH",
            scenario=data["scenario"], delay_seconds=data.get("delay_seconds") or 0,
            get_payment_xml=raw.decode(),
            version=2 if station.stand_in else station.version, stand_in=station.stand_in,
            transfer_type=transfer_type or "", verified_amount_cents=verified_cents)


def _pay_cart(cart: Cart, data: dict) -> HttpResponseRedirect:
    if data["scenario"] == "cancel":
        cart.status = Cart.Status.CANCELLED
        cart.save(update_fields=["status"])
        return HttpResponseRedirect(cart.return_cancel)
    chosen = psp(data["psp"])
    payments = []
    for index, notice in enumerate(cart.notices):
        result = _activate(notice, data, cart.id_cart, cart, "checkout",
                           chosen.fee_cents if index == 0 else 0,
                           transfer_type="POSTAL" if cart.all_ccp else None,
                           verified_cents=cart.verified_amounts.get(notice["noticeNumber"]))
        if isinstance(result, str):
            cart.status = Cart.Status.ERROR
            cart.save(update_fields=["status"])
            return HttpResponseRedirect(cart.return_error)
        payments.append(result)
    if data["scenario"] == "refuse":
        Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
            status=Payment.Status.REFUSED)
        cart.status = Cart.Status.REFUSED
        cart.save(update_fields=["status"])
        return HttpResponseRedirect(cart.return_error)
    with transaction.atomic():
        for payment in payments:
            node.pay(payment, chosen, cart.id_cart)
        cart.status = Cart.Status.PAID
        cart.save(update_fields=["status"])
    late = data["scenario"] == "late" and cart.version == 2 and cart.return_waiting
    return HttpResponseRedirect(cart.return_waiting if late else cart.return_ok)


# --- Sportello PSP (a printed notice paid at the counter) -----------------------------

def _read_qr(image) -> tuple[str, str] | None:
    import zxingcpp
    from PIL import Image

    try:
        with Image.open(image) as picture:
            results = zxingcpp.read_barcodes(picture.convert("L"))
    except OSError:
        return None
    for result in results:
        try:
            payload = parse_qr_payload(result.text)
        except InvalidQrPayload:
            continue
        return payload.notice_number, payload.fiscal_code
    return None


@require_http_methods(["GET", "POST"])
@enabled
def counter(request):
    form = NoticeForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        notice, fiscal_code = form.cleaned_data["notice_number"], form.cleaned_data["fiscal_code"]
        if form.cleaned_data.get("qr"):
            found = _read_qr(form.cleaned_data["qr"])
            if found is None:
                form.add_error("qr", _("Nell'immagine non c'è un codice QR pagoPA leggibile."))
                return render(request, "sandbox/counter.html", context)
            notice, fiscal_code = found
        try:
            response = node.verify(fiscal_code, notice)
        except node.NodeError as exc:
            context["error"] = str(exc)
            return render(request, "sandbox/counter.html", context)
        if not response.ok:
            context["error"] = _("L'Ente risponde %(code)s: %(detail)s") % {
                "code": response.fault.fault_code, "detail": response.fault.fault_string}
            return render(request, "sandbox/counter.html", context)
        context.update({"info": response.data, "notice_number": notice,
                        "fiscal_code": fiscal_code, "pay_form": PayForm("CASH")})
    return render(request, "sandbox/counter.html", context)


@require_POST
@enabled
def counter_pay(request):
    notice = {"noticeNumber": request.POST.get("notice_number", ""),
              "fiscalCode": request.POST.get("fiscal_code", "")}
    form = PayForm("CASH", request.POST)
    if not form.is_valid() or not (notice["noticeNumber"].isdigit()
                                   and notice["fiscalCode"].isdigit()):
        return redirect("sandbox:counter")
    data = form.cleaned_data
    if data["scenario"] == "cancel":
        return render(request, "sandbox/counter_done.html", {"cancelled": True})
    poste = data.get("poste")
    if poste:  # a Bollettino Postale PA at the post office: Poste's PSP, POSTAL transfers
        data = {**data, "psp": POSTE_PSP}
    chosen = psp(data["psp"])
    verified = request.POST.get("verified_amount", "")
    result = _activate(notice, data, "", None, "poste" if poste else "sportello",
                       chosen.fee_cents, transfer_type="POSTAL" if poste else None,
                       verified_cents=int(verified) if verified.isdigit() else None)
    if isinstance(result, str):
        return render(request, "sandbox/counter_done.html", {"error": result})
    if data["scenario"] == "refuse":
        result.status = Payment.Status.REFUSED
        result.save(update_fields=["status"])
    else:
        with transaction.atomic():
            node.pay(result, chosen)
    return redirect("sandbox:payment", result.token)


@enabled
def payment(request, token: str):
    return render(request, "sandbox/payment.html", {
        "payment": get_object_or_404(Payment.objects.prefetch_related("deliveries"),
                                     token=token)})


# --- ACA -------------------------------------------------------------------------------

ACA_REQUIRED = ("paFiscalCode", "entityType", "entityFiscalCode", "entityFullName", "iuv",
                "amount", "description", "expirationDate")


@csrf_exempt
@require_POST
@enabled
def aca_create_position(request):
    """``POST /aca/v1/paCreatePosition`` with pagopa-aca-service's rules: create, update
    or (amount 0) invalidate; a position that is no longer VALID/EXPIRED answers 409, and
    amount 0 for a position ACA never had answers 422."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return _problem(400, "Formally invalid input", "body is not JSON")
    if not isinstance(body, dict) or any(key not in body for key in ACA_REQUIRED):
        return _problem(400, "Formally invalid input",
                        f"required: {', '.join(ACA_REQUIRED)}")
    amount = body["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        return _problem(400, "Formally invalid input", "amount must be cents >= 0")
    key = {"pa_fiscal_code": str(body["paFiscalCode"]), "iuv": str(body["iuv"])}
    with transaction.atomic():
        current = AcaPosition.objects.select_for_update().filter(**key).first()
        if current is None and amount == 0:
            return _problem(422, "Unprocessable request",
                            "Can not perform the requested action on debit position")
        if current is not None and current.status not in AcaPosition.UPDATABLE:
            return _problem(409, "Unauthorized action",
                            f"Unauthorized action on debt position with iuv: {key['iuv']}")
        values = {
            "nav": str(body.get("nav") or "3" + key["iuv"])[:18], "amount_cents": amount,
            "description": str(body["description"])[:255],
            "entity_fiscal_code": str(body["entityFiscalCode"])[:16],
            "entity_full_name": str(body["entityFullName"])[:255],
            "expiration_date": str(body["expirationDate"])[:40],
            "switch_to_expired": bool(body.get("switchToExpired")),
            "pay_stand_in": bool(body.get("payStandIn", True)),
            "iban": str(body.get("iban") or "")[:27],
            "postal_iban": str(body.get("postalIban") or "")[:27], "body": body,
            "state": AcaPosition.Status.INVALID if amount == 0 else AcaPosition.Status.VALID,
        }
        if current is None:
            current = AcaPosition.objects.create(**key, **values)
        else:
            if amount == 0:  # GPD's invalidate changes the status only
                values = {"state": values["state"], "body": body}
            for name, value in values.items():
                setattr(current, name, value)
            current.updates += 1
            current.save()
    return JsonResponse({**body, "status": current.status})


@enabled
@staff_member_required
def aca(request):
    """What the sandbox's ACA holds: every Ente's positions and debtors, so staff only."""
    return render(request, "sandbox/aca.html", {"positions": AcaPosition.objects.all()[:200]})
