"""Receipts of the Ente: the list by payment date, service and channel with its totals,
one receipt's page, and the work queue of flagged receipts with its two actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from backoffice.access import staff_required
from backoffice.exports import (
    CENTS,
    CODE,
    DATETIME,
    Column,
    export_format,
    export_response,
    paginate,
)
from catalog.models import Service
from payments import receipts as receipt_domain
from payments.models import Channel, Receipt
from sportello.forms import StyledForm

DATE_INPUT = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
              "input_formats": ["%Y-%m-%d", "%d/%m/%Y"],
              "error_messages": {"invalid": _("Data non valida: usa il formato gg/mm/aaaa.")}}


class ReceiptFilterForm(StyledForm, forms.Form):
    """The list's filters, in the URL (GET) so a filtered list can be bookmarked."""

    STATES = [("", _("Tutte")), ("applied", _("Hanno chiuso la posizione")),
              ("flagged", _("Da verificare")), ("handled", _("Anomalie gestite"))]

    dal = forms.DateField(label=_("Pagate dal"), required=False, **DATE_INPUT)
    al = forms.DateField(label=_("Pagate fino al"), required=False, **DATE_INPUT)
    servizio = forms.ModelChoiceField(
        label=_("Servizio"), queryset=Service.objects.none(), required=False,
        to_field_name="code", empty_label=_("Tutti i servizi"),
        error_messages={"invalid_choice": _("Servizio non disponibile: scegline uno "
                                            "dall'elenco.")})
    canale = forms.ChoiceField(
        label=_("Canale"), required=False, choices=[("", _("Tutti i canali")), *Channel.choices],
        error_messages={"invalid_choice": _("Canale non valido: scegline uno dall'elenco.")})
    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=STATES,
        error_messages={"invalid_choice": _("Stato non valido: scegline uno dall'elenco.")})
    cerca = forms.CharField(label=_("Codice avviso, IUV o identificativo ricevuta"),
                            required=False, max_length=40)

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servizio"].queryset = Service.objects.filter(organization=organization)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dal"), cleaned.get("al")
        if start and end and start > end:
            self.add_error("al", _("La data «Pagate fino al» deve essere uguale o successiva a "
                                   "«Pagate dal»."))
        return cleaned

    def apply(self, queryset):
        data = self.cleaned_data
        if data.get("dal"):
            queryset = queryset.filter(payment_date_time__date__gte=data["dal"])
        if data.get("al"):
            queryset = queryset.filter(payment_date_time__date__lte=data["al"])
        if data.get("servizio"):
            queryset = queryset.filter(option__position__service=data["servizio"])
        if data.get("canale"):
            queryset = queryset.filter(channel=data["canale"])
        state = data.get("stato")
        if state == "applied":
            queryset = queryset.filter(applied=True)
        elif state == "flagged":
            queryset = queryset.needing_attention()
        elif state == "handled":
            queryset = queryset.filter(needs_attention=True, reviewed_at__isnull=False)
        text = (data.get("cerca") or "").strip()
        if text:
            queryset = queryset.filter(Q(notice_number=text.replace(" ", ""))
                                       | Q(creditor_reference_id=text) | Q(receipt_id=text))
        return queryset


class QueueFilterForm(StyledForm, forms.Form):
    anomalia = forms.ChoiceField(
        label=_("Anomalia"), required=False, choices=[("", _("Tutte")), *Receipt.Flag.choices],
        error_messages={"invalid_choice": _("Anomalia non valida: scegline una dall'elenco.")})

    def apply(self, queryset):
        if not self.is_valid():
            return queryset.none()
        flag = self.cleaned_data["anomalia"]
        # ``flags`` is a JSON list: matched by its text, portable to SQLite and PostgreSQL.
        return queryset.filter(flags__icontains=f'"{flag}"') if flag else queryset


def receipts_of(organization):
    return (Receipt.objects.filter(organization=organization).with_channel()
            .select_related("option__position__service", "option__position__debtor")
            .order_by("-payment_date_time", "-pk"))


def filtered_receipts(request):
    """The form and the receipts it selects (none when the filters are wrong)."""
    form = ReceiptFilterForm(request.organization, request.GET or None)
    queryset = receipts_of(request.organization)
    if form.is_bound:
        queryset = form.apply(queryset) if form.is_valid() else queryset.none()
    return form, queryset


def totals(queryset) -> dict:
    """Counted and summed by the database: all rows, and the money of those with outcome OK."""
    return queryset.order_by().aggregate(
        count=Count("pk"), collected=Sum("amount_cents", filter=Q(outcome="OK"), default=0),
        fees=Sum("fee_cents", filter=Q(outcome="OK"), default=0),
        flagged=Count("pk", filter=Q(needs_attention=True, reviewed_at__isnull=True)))


def context(request, **values) -> dict:
    return {"organization": request.organization, "membership": request.membership, **values}


def export_columns() -> list[Column]:
    return [Column(gettext("Data del pagamento"), DATETIME), Column(gettext("Codice avviso"), CODE),
            Column(gettext("IUV"), CODE), Column(gettext("Identificativo ricevuta (IUR)"), CODE),
            Column(gettext("Codice fiscale debitore"), CODE), Column(gettext("Debitore")),
            Column(gettext("Servizio")), Column(gettext("Capitolo")),
            Column(gettext("Accertamento")), Column(gettext("Canale")), Column(gettext("PSP")),
            Column(gettext("Importo"), CENTS), Column(gettext("Commissione"), CENTS),
            Column(gettext("Esito")), Column(gettext("Ha chiuso la posizione")),
            Column(gettext("Anomalie")), Column(gettext("Verificata il"), DATETIME),
            Column(gettext("Nota della verifica"))]


def export_rows(queryset):
    yes, no = gettext("Sì"), gettext("No")
    for receipt in queryset.iterator(chunk_size=500):
        service = receipt.option.position.service if receipt.option_id else None
        yield [receipt.payment_date_time, receipt.notice_number, receipt.creditor_reference_id,
               receipt.receipt_id, receipt.debtor.get("id_value", ""),
               receipt.debtor.get("full_name", ""), service.name if service else "",
               service.accounting_chapter if service else "",
               service.accounting_assessment if service else "",
               receipt.get_channel_display(), receipt.psp_company_name, receipt.amount_cents,
               receipt.fee_cents, receipt.outcome, yes if receipt.applied else no,
               "; ".join(receipt.flag_labels()), receipt.reviewed_at, receipt.review_note]


@staff_required()
def receipt_list(request):
    form, queryset = filtered_receipts(request)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt, gettext("ricevute"), export_columns(),
                               export_rows(queryset))
    page = paginate(request, queryset)
    return render(request, "backoffice/receipts/list.html", context(
        request, form=form, page=page, totals=totals(queryset),
        invalid=form.is_bound and not form.is_valid()))


@staff_required()
def work_queue(request):
    """Flagged receipts nobody has dealt with yet, oldest first: the staff's to-do list."""
    queryset = (receipts_of(request.organization).needing_attention()
                .order_by("received_at", "pk"))
    form = QueueFilterForm(request.GET)
    queryset = form.apply(queryset)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt, gettext("ricevute-da-verificare"), export_columns(),
                               export_rows(queryset))
    page = paginate(request, queryset)
    return render(request, "backoffice/receipts/queue.html", context(request, page=page,
                                                                      form=form))


class ReviewForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("Nota"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class HandledForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("Nota (obbligatoria)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Che cosa è stato fatto: ad esempio il rimborso chiesto al PSP."),
        error_messages={"required": _("Scrivi una nota: che cosa è stato fatto per questa "
                                      "ricevuta.")})


def _receipt(request, pk: int) -> Receipt:
    return get_object_or_404(receipts_of(request.organization), pk=pk)


def _detail(request, receipt: Receipt, *, review_form=None, handled_form=None, refusal="",
            status=200):
    return render(request, "backoffice/receipts/detail.html", context(
        request, receipt=receipt, refusal=refusal,
        review_form=review_form or ReviewForm(prefix="review"),
        handled_form=handled_form or HandledForm(prefix="handled"),
        show_raw=request.membership.is_manager,
        open_flag=receipt.needs_attention and receipt.reviewed_at is None), status=status)


@staff_required()
def receipt_detail(request, pk: int):
    return _detail(request, _receipt(request, pk))


@staff_required()
@require_POST
def apply_after_review(request, pk: int):
    receipt = _receipt(request, pk)
    form = ReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        return _detail(request, receipt, review_form=form, status=400)
    try:
        receipt_domain.apply_after_review(receipt, request.user,
                                          note=form.cleaned_data["note"], request=request)
    except receipt_domain.ReviewRefused as refusal:
        return _detail(request, receipt, review_form=form, refusal=str(refusal), status=400)
    messages.success(request, gettext("Ricevuta applicata dopo verifica: la posizione è "
                                      "chiusa da questa ricevuta."))
    return redirect("backoffice:receipt", request.organization.slug, receipt.pk)


@staff_required()
@require_POST
def mark_handled(request, pk: int):
    receipt = _receipt(request, pk)
    form = HandledForm(request.POST, prefix="handled")
    if not form.is_valid():
        return _detail(request, receipt, handled_form=form, status=400)
    try:
        receipt_domain.mark_handled(receipt, request.user, form.cleaned_data["note"],
                                    request=request)
    except receipt_domain.ReviewRefused as refusal:
        return _detail(request, receipt, handled_form=form, refusal=str(refusal), status=400)
    messages.success(request, gettext("Ricevuta segnata come gestita."))
    return redirect("backoffice:receipt", request.organization.slug, receipt.pk)
