"""Reconciliation pages: the work queue, flows and their payments, the treasurer's
statements, and the accounting export.

Both roles read everything and work the queue (resolve, ignore, note) and upload
statements: that is the operatori's daily job. Marking an avviso paid on the strength of
a flow alone (no receipt) moves money on the books: *responsabile* only. The logic lives
in ``reconciliation`` (credits, queue, exports); these views read forms and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from backoffice.access import staff_required
from backoffice.exports import Column, export_format, export_response, paginate
from backoffice.receipt_views import DATE_INPUT
from reconciliation import queue as queue_domain
from reconciliation.credits import import_statement
from reconciliation.exports import accounting_columns, accounting_rows
from reconciliation.models import Flow, FlowPayment, MatchState, ReconciliationIssue
from reconciliation.treasury import StatementError
from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement
from sportello.forms import StyledForm

Issue = ReconciliationIssue


def context(request, **values) -> dict:
    return {"organization": request.organization, "membership": request.membership, **values}


class DateRangeForm(StyledForm, forms.Form):
    dal = forms.DateField(label=_("Dal"), required=False, **DATE_INPUT)
    al = forms.DateField(label=_("Al"), required=False, **DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("dal"), cleaned.get("al")
        if start and end and start > end:
            self.add_error("al", _("La data «Al» deve essere uguale o successiva a «Dal»."))
        return cleaned


def _filtered(form, queryset):
    """The queryset the valid filters select; none while the filters are wrong."""
    if not form.is_bound:
        return queryset
    return form.apply(queryset) if form.is_valid() else queryset.none()


# --- The work queue ----------------------------------------------------------------------


class QueueFilterForm(StyledForm, forms.Form):
    STATES = [("open", _("Da gestire")), ("closed", _("Chiuse (risolte o ignorate)")),
              ("all", _("Tutte"))]
    stato = forms.ChoiceField(label=_("Stato"), required=False, choices=STATES,
                              error_messages={"invalid_choice": _("Stato non valido: scegline "
                                                                  "uno dall'elenco.")})
    tipo = forms.ChoiceField(label=_("Tipo"), required=False,
                             choices=[("", _("Tutti i tipi")), *Issue.Kind.choices],
                             error_messages={"invalid_choice": _("Tipo non valido: scegline "
                                                                 "uno dall'elenco.")})

    def apply(self, queryset):
        state = self.cleaned_data.get("stato") or "open"
        if state == "open":
            queryset = queryset.filter(state=Issue.State.OPEN)
        elif state == "closed":
            queryset = queryset.exclude(state=Issue.State.OPEN)
        if self.cleaned_data.get("tipo"):
            queryset = queryset.filter(kind=self.cleaned_data["tipo"])
        return queryset


def issues_of(organization):
    return (Issue.objects.filter(organization=organization)
            .select_related("flow", "payment", "receipt", "credit", "resolved_by"))


@staff_required()
def issue_list(request):
    """Everything that does not agree, oldest first: the staff's to-do list."""
    form = QueueFilterForm(request.GET or None)
    queryset = issues_of(request.organization).order_by("created_at", "pk")
    queryset = _filtered(form, queryset.filter(state=Issue.State.OPEN)
                         if not form.is_bound else queryset)
    page = paginate(request, queryset)
    return render(request, "backoffice/reconciliation/issues.html", context(
        request, form=form, page=page, invalid=form.is_bound and not form.is_valid()))


class NoteForm(StyledForm, forms.Form):
    note = forms.CharField(label=_("Nota"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi il testo della nota.")})


class ResolveForm(NoteForm):
    note = forms.CharField(label=_("Come è stata risolta (obbligatorio)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi una nota: come è stata "
                                                         "risolta l'anomalia.")})


class IgnoreForm(NoteForm):
    note = forms.CharField(label=_("Perché si può ignorare (obbligatorio)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi il motivo per cui "
                                                         "l'anomalia si può ignorare.")})


class RecoverForm(NoteForm):
    note = forms.CharField(label=_("Che cosa hai verificato (obbligatorio)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Scrivi una nota: che cosa hai "
                                                         "verificato prima di segnare pagato "
                                                         "l'avviso.")})


FORMS = {"resolve": ResolveForm, "ignore": IgnoreForm, "note": NoteForm,
         "recover": RecoverForm}


def _issue(request, pk: int) -> Issue:
    return get_object_or_404(issues_of(request.organization), pk=pk)


def _issue_page(request, issue: Issue, *, bound=None, refusal: str = "", status: int = 200):
    forms_ = {name: form_class(prefix=name) for name, form_class in FORMS.items()}
    if bound is not None:
        forms_[bound.prefix] = bound
    return render(request, "backoffice/reconciliation/issue.html", context(
        request, issue=issue, forms=forms_, refusal=refusal,
        can_recover=request.membership.is_manager and queue_domain.can_recover(issue)),
        status=status)


@staff_required()
def issue_detail(request, pk: int):
    return _issue_page(request, _issue(request, pk))


def _act(request, pk: int, action: str):
    issue = _issue(request, pk)
    if action == "recover" and not request.membership.is_manager:
        raise PermissionDenied
    form = FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _issue_page(request, issue, bound=form, status=400)
    note = form.cleaned_data["note"]
    act = {"note": queue_domain.add_note, "resolve": queue_domain.resolve,
           "ignore": queue_domain.ignore, "recover": queue_domain.mark_recovered}[action]
    try:
        act(issue, request.user, note, request=request)
    except queue_domain.ActionRefused as refusal:
        return _issue_page(request, issue, bound=form, refusal=str(refusal), status=400)
    done = {"note": gettext("Nota aggiunta."), "resolve": gettext("Anomalia risolta."),
            "ignore": gettext("Anomalia ignorata."),
            "recover": gettext("Avviso segnato pagato dopo verifica.")}
    messages.success(request, done[action])
    return redirect("backoffice:reconciliation_issue", request.organization.slug, issue.pk)


@staff_required()
@require_POST
def issue_resolve(request, pk: int):
    return _act(request, pk, "resolve")


@staff_required()
@require_POST
def issue_ignore(request, pk: int):
    return _act(request, pk, "ignore")


@staff_required()
@require_POST
def issue_note(request, pk: int):
    return _act(request, pk, "note")


@staff_required()
@require_POST
def issue_recover(request, pk: int):
    return _act(request, pk, "recover")


# --- Flows -------------------------------------------------------------------------------


class FlowFilterForm(DateRangeForm):
    STATES = [("", _("In vigore")), ("superseded", _("Sostituiti")), ("all", _("Tutti"))]
    dal = forms.DateField(label=_("Regolati dal"), required=False, **DATE_INPUT)
    al = forms.DateField(label=_("Regolati fino al"), required=False, **DATE_INPUT)
    psp = forms.CharField(label=_("PSP (nome o identificativo)"), required=False,
                          max_length=70)
    stato = forms.ChoiceField(label=_("Stato"), required=False, choices=STATES,
                              error_messages={"invalid_choice": _("Stato non valido: scegline "
                                                                  "uno dall'elenco.")})

    def apply(self, queryset):
        data = self.cleaned_data
        if data.get("dal"):
            queryset = queryset.filter(regulation_date__gte=data["dal"])
        if data.get("al"):
            queryset = queryset.filter(regulation_date__lte=data["al"])
        psp = (data.get("psp") or "").strip()
        if psp:
            queryset = queryset.filter(Q(psp_id__iexact=psp) | Q(psp_name__icontains=psp))
        state = data.get("stato")
        if state == "superseded":
            return queryset.filter(status=Flow.Status.SUPERSEDED)
        if state == "all":
            return queryset
        return queryset.filter(status=Flow.Status.CURRENT)


def flows_of(organization):
    return (Flow.objects.filter(organization=organization)
            .annotate(open_issues=Count("issues", filter=Q(issues__state=Issue.State.OPEN),
                                        distinct=True),
                      credits_count=Count("credits", distinct=True))
            .order_by("-regulation_date", "-pk"))


@staff_required()
def flow_list(request):
    form = FlowFilterForm(request.GET or None)
    queryset = flows_of(request.organization)
    queryset = (_filtered(form, queryset) if form.is_bound
                else queryset.filter(status=Flow.Status.CURRENT))
    return render(request, "backoffice/reconciliation/flows.html", context(
        request, form=form, page=paginate(request, queryset),
        invalid=form.is_bound and not form.is_valid()))


class PaymentFilterForm(StyledForm, forms.Form):
    esito = forms.ChoiceField(label=_("Esito riconciliazione"), required=False,
                              choices=[("", _("Tutti")), *MatchState.choices],
                              error_messages={"invalid_choice": _("Esito non valido: "
                                                                  "scegline uno dall'elenco.")})

    def apply(self, queryset):
        value = self.cleaned_data.get("esito")
        return queryset.filter(match_state=value) if value else queryset


@staff_required()
def flow_detail(request, pk: int):
    flow = get_object_or_404(flows_of(request.organization).select_related("superseded_by"),
                             pk=pk)
    form = PaymentFilterForm(request.GET or None)
    payments = _filtered(form, FlowPayment.objects.filter(flow=flow)
                         .select_related("receipt", "option").order_by("index"))
    by_state = dict(FlowPayment.objects.filter(flow=flow).order_by()
                    .values_list("match_state").annotate(n=Count("pk")))
    labels = dict(MatchState.choices)
    return render(request, "backoffice/reconciliation/flow.html", context(
        request, flow=flow, form=form, page=paginate(request, payments),
        by_state=[(labels.get(state, state), n) for state, n in sorted(by_state.items())],
        credits=flow.credits.select_related("statement"),
        issues=flow.issues.order_by("created_at"),
        earlier=flow.supersedes.order_by("-revision")))


# --- The treasurer -----------------------------------------------------------------------


class StatementUploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("Estratto conto camt.053 (XML)"),
                           help_text=_("Il file XML ISO 20022 camt.053 scaricato dal "
                                       "tesoriere; al massimo 10 MB."),
                           error_messages={"required": _("Scegli il file dell'estratto conto."),
                                           "empty": _("Il file scelto è vuoto.")})


@staff_required()
def treasury(request):
    """The statements uploaded, and the upload: a file is imported whole or not at all."""
    form = StatementUploadForm()
    status = 200
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = import_statement(request.organization, upload.name,
                                             upload.read(), request.user, request=request)
            except StatementError as refusal:
                form.add_error("file", str(refusal))
            else:
                messages.success(request, gettext(
                    "Estratto conto importato: %(n)s accrediti nuovi, %(d)s già presenti.")
                    % {"n": statement.credits_count, "d": statement.duplicates})
                return redirect("backoffice:reconciliation_statement",
                                request.organization.slug, statement.pk)
        status = 400
    statements = (TreasuryStatement.objects.filter(organization=request.organization)
                  .select_related("imported_by").defer("raw"))
    return render(request, "backoffice/reconciliation/treasury.html", context(
        request, form=form, page=paginate(request, statements)), status=status)


@staff_required()
def statement_detail(request, pk: int):
    statement = get_object_or_404(TreasuryStatement.objects.filter(
        organization=request.organization).defer("raw").select_related("imported_by"), pk=pk)
    credits = (TreasuryCredit.objects.filter(statement=statement).select_related("flow")
               .order_by("booking_date", "pk"))
    return render(request, "backoffice/reconciliation/statement.html", context(
        request, statement=statement, page=paginate(request, credits)))


# --- The accounting export ---------------------------------------------------------------


class AccountingFilterForm(DateRangeForm):
    REPORTED = [("", _("Tutte")), ("si", _("Rendicontate in un flusso")),
                ("no", _("Non ancora rendicontate"))]
    dal = forms.DateField(label=_("Pagate dal"), required=False, **DATE_INPUT)
    al = forms.DateField(label=_("Pagate fino al"), required=False, **DATE_INPUT)
    rendicontate = forms.ChoiceField(label=_("Rendicontazione"), required=False,
                                     choices=REPORTED,
                                     error_messages={"invalid_choice": _(
                                         "Scelta non valida: scegline una dall'elenco.")})

    def filters(self) -> dict:
        data = self.cleaned_data
        reported = {"si": True, "no": False}.get(data.get("rendicontate") or "")
        return {"date_from": data.get("dal"), "date_to": data.get("al"), "reported": reported}


@staff_required()
def accounting_export(request):
    """Collected receipts in the accounting office's layout, as CSV or XLSX."""
    form = AccountingFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    fmt = export_format(request)
    if fmt and valid:
        filters = form.filters() if form.is_bound else {}
        columns = [Column(header, kind) for header, kind in accounting_columns()]
        return export_response(fmt, gettext("riconciliazione-contabile"), columns,
                               accounting_rows(request.organization, **filters))
    return render(request, "backoffice/reconciliation/export.html", context(
        request, form=form, invalid=not valid), status=200 if valid else 400)

