"""The positions pages of the back office: list and search, detail with history, create,
edit while unpaid, cancel with a reason, reopen, the avviso. Every query goes through
``request.organization`` (another Ente's position is 404) and every write through
``positions.editing``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appio.models import IoMessage
from audit.models import AuditEntry
from backoffice.access import staff_required
from backoffice.exports import (
    CENTS,
    CODE,
    DATE,
    DATETIME,
    INTEGER,
    Column,
    export_format,
    export_response,
    paginate,
)
from backoffice.position_forms import (
    CancelForm,
    PositionEditor,
    PositionFilterForm,
    ReopenForm,
)
from backoffice.position_history import describe
from documents.builders import NothingPayable, for_notices
from documents.notices import notice_file
from documents.responses import pdf_attachment
from payments.models import AcaPush, Receipt
from payments.status import option_payment_state
from positions import editing
from positions.models import PaymentOption, PaymentPosition
from positions.services import option_label
from reminders import paylinks


def _context(request, **extra) -> dict:
    return {"organization": request.organization, "membership": request.membership, **extra}


def _position(request, pk: int) -> PaymentPosition:
    return get_object_or_404(
        PaymentPosition.objects.select_related("debtor", "service", "organization"),
        pk=pk, organization=request.organization)


def filtered_positions(request) -> tuple[PositionFilterForm, object]:
    """The list's form and its queryset (None when a filter is invalid)."""
    form = PositionFilterForm(request.organization, request.GET or None)
    positions = (PaymentPosition.objects.for_organization(request.organization)
                 .select_related("debtor", "service")
                 .prefetch_related("options").order_by("-created_at", "-pk"))
    if form.is_bound:
        positions = form.filter(positions) if form.is_valid() else None
    return form, positions


@staff_required()
def position_list(request):
    form, positions = filtered_positions(request)
    fmt = export_format(request)
    if fmt and positions is not None:
        return export_response(fmt, _("posizioni"), export_columns(), export_rows(positions))
    page = paginate(request, positions) if positions is not None else None
    return render(request, "backoffice/positions/list.html",
                  _context(request, form=form, page=page))


def export_columns() -> list[Column]:
    """The export's headers, in the language of the request."""
    return [
        Column(_("Codice fiscale"), CODE), Column(_("Debitore")), Column(_("Causale")),
        Column(_("Servizio")), Column(_("Riferimento pratica")), Column(_("Stato posizione")),
        Column(_("Piano"), INTEGER), Column(_("Rata"), INTEGER),
        Column(_("Codice avviso"), CODE), Column(_("IUV"), CODE),
        Column(_("Importo"), CENTS), Column(_("Scadenza"), DATE),
        Column(_("Stato pagamento")), Column(_("Pagata il"), DATETIME),
    ]


def export_rows(positions):
    """One row per payment option of the filtered positions (what accounting reconciles:
    each codice avviso with its amount and state)."""
    options = (PaymentOption.objects.filter(position__in=positions.values("pk"))
               .select_related("position__debtor", "position__service")
               .order_by("-position__created_at", "position_id", "plan",
                         "installment_number"))
    for option in options.iterator(chunk_size=500):
        position = option.position
        yield [position.debtor.fiscal_code, position.debtor.full_name, position.causale,
               position.service.name, position.external_reference,
               position.get_status_display(), option.plan, option.installment_number,
               option.notice_number, option.iuv, option.amount_cents, option.due_date,
               option.get_status_display(), option.paid_at]


@staff_required()
def position_detail(request, pk: int):
    position = _position(request, pk)
    options = list(position.options.prefetch_related("transfers")
                   .order_by("plan", "installment_number", "pk"))
    states = option_payment_state(options)
    receipts: dict[int, list[Receipt]] = {}
    for receipt in Receipt.objects.filter(option__in=options).order_by("received_at"):
        receipts.setdefault(receipt.option_id, []).append(receipt)
    aca = {push.option_id: push for push in AcaPush.objects.filter(option__in=options)}
    plans = len({o.plan for o in options} - {PaymentOption.SINGLE_PLAN})
    rows = [{"option": o, "label": option_label(o.plan, o.installment_number, plans),
             "in_progress": states.get(o.pk) == "in_progress",
             "receipts": receipts.get(o.pk, []), "aca": aca.get(o.pk)} for o in options]
    groups = [(_("Pagamento in unica soluzione"), [r for r in rows if r["option"].plan == 0])]
    for plan in sorted({o.plan for o in options} - {PaymentOption.SINGLE_PLAN}):
        title = (_("Piano rateale %(plan)s") % {"plan": plan} if plans > 1
                 else _("Piano rateale"))
        groups.append((title, [r for r in rows if r["option"].plan == plan]))
    history = describe(AuditEntry.objects.filter(
        organization=request.organization, position_id=position.pk).order_by("created_at", "pk"))
    status = PaymentOption.Status
    closed = any(o.status in (status.PAID, status.SUPERSEDED, status.CANCELLED)
                 for o in options)
    pay_link = paylinks.live_link(position)
    return render(request, "backoffice/positions/detail.html", _context(
        request, position=position, groups=[g for g in groups if g[1]], history=history,
        can_change=not closed, can_reopen=not closed and bool(editing.reopenable(position)),
        can_print=any(o.is_payable for o in options), today=timezone.localdate(),
        pay_link=pay_link, pay_link_url=paylinks.url_of(pay_link) if pay_link else "",
        pay_link_expires=paylinks.expires_on(position, pay_link) if pay_link else None,
        io_messages=IoMessage.objects.filter(position=position)[:50],

        reminders=position.reminders.order_by("created_at", "pk")))


def _editor_page(request, editor: PositionEditor, position=None, version=None):
    return render(request, "backoffice/positions/form.html", _context(
        request, editor=editor, position=position, version=version))


@require_http_methods(["GET", "POST"])
@staff_required()
def position_create(request):
    data = request.POST if request.method == "POST" else None
    editor = PositionEditor(request.organization, data=data,
                            redraw=data is not None and "_layout" in data)
    if editor.bound and editor.is_valid():
        main = editor.main.cleaned_data
        try:
            position = editing.create_staff_position(
                organization=request.organization, debtor=editor.main.debtor_spec(),
                service=main["service"], causale=main["causale"],
                options=editor.option_specs(), external_reference=main["external_reference"],
                switch_to_expired=main["switch_to_expired"], request=request)
        except ValidationError as exc:
            editor.show_errors(exc.messages)
        else:
            messages.success(request, _("Posizione creata."))
            return redirect("backoffice:position", request.organization.slug, position.pk)
    return _editor_page(request, editor)


@require_http_methods(["GET", "POST"])
@staff_required()
def position_edit(request, pk: int):
    position = _position(request, pk)
    data = request.POST if request.method == "POST" else None
    editor = PositionEditor(request.organization, data=data, position=position,
                            redraw=data is not None and "_layout" in data)
    version = _version(request, position)
    if editor.bound and editor.is_valid():
        main = editor.main.cleaned_data
        debtor = editor.main.debtor_spec() if editor.main.debtor_editable() else None
        try:
            editing.update_position(
                position, expected_version=version, causale=main["causale"],
                external_reference=main["external_reference"],
                switch_to_expired=main["switch_to_expired"], options=editor.changes(),
                debtor=debtor, request=request)
        except ValidationError as exc:
            editor.show_errors(exc.messages)
        else:
            messages.success(request, _("Modifiche salvate."))
            return redirect("backoffice:position", request.organization.slug, position.pk)
    return _editor_page(request, editor, position, version)


def _version(request, position: PaymentPosition) -> int:
    """The version the form was shown with (hidden field), else the current one."""
    try:
        return int(request.POST.get("version", position.version))
    except ValueError:
        return -1  # a tampered field: refused as a concurrent edit


@require_http_methods(["GET", "POST"])
@staff_required()
def position_cancel(request, pk: int):
    position = _position(request, pk)
    form = CancelForm(request.POST or None)
    version = _version(request, position)
    if request.method == "POST" and form.is_valid():
        try:
            editing.cancel_position(position, expected_version=version,
                                       reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Posizione annullata: l'avviso non è più pagabile."))
            return redirect("backoffice:position", request.organization.slug, position.pk)
    return render(request, "backoffice/positions/cancel.html", _context(
        request, position=position, form=form, version=version))


@require_http_methods(["GET", "POST"])
@staff_required()
def position_reopen(request, pk: int):
    position = _position(request, pk)
    options = editing.reopenable(position)
    form = ReopenForm(options, request.POST or None)
    version = _version(request, position)
    if request.method == "POST" and form.is_valid():
        try:
            editing.reopen_position(position, expected_version=version,
                                       due_dates=form.due_dates(), request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Posizione riaperta: è di nuovo pagabile."))
            return redirect("backoffice:position", request.organization.slug, position.pk)
    return render(request, "backoffice/positions/reopen.html", _context(
        request, position=position, form=form, version=version, options=options))


@staff_required()
def position_notice(request, pk: int):
    """The avviso PDF, the same the payer prints; 404 when nothing is left to pay."""
    position = for_notices(PaymentPosition.objects.filter(
        pk=pk, organization=request.organization)).first()
    if position is None:
        raise Http404
    try:
        document = notice_file(position)
    except NothingPayable as exc:
        raise Http404 from exc
    return pdf_attachment(document.content, document.filename)
