"""*Registro attività*: the Ente's audit trail, searchable and exportable (responsabile).

Only the Ente's own entries are shown (``organization`` of the request); an entry with no
Ente (an installation-wide action) is for the superusers' admin.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.labels import ACTION_LABELS, action_label, summary
from audit.models import AuditEntry
from backoffice.access import staff_required
from backoffice.exports import DATETIME, INTEGER, Column, export_format, export_response, paginate
from organizations.models import StaffRole
from positions.models import PaymentOption
from sportello.forms import StyledForm


class AuditFilterForm(StyledForm, forms.Form):
    actor = forms.CharField(label=gettext_lazy("Chi (email)"), required=False, max_length=200)
    action = forms.ChoiceField(label=gettext_lazy("Azione"), required=False)
    subject = forms.CharField(label=gettext_lazy("Oggetto"), required=False, max_length=200)
    position = forms.CharField(
        label=gettext_lazy("Posizione"), required=False, max_length=35,
        help_text=gettext_lazy("Codice avviso, IUV o numero della posizione."))
    since = forms.DateField(label=gettext_lazy("Dal"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Al"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        known = sorted({*ACTION_LABELS, *actions}, key=action_label)
        self.fields["action"].choices = [("", _("Tutte")),
                                         *[(a, action_label(a)) for a in known]]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La data finale è precedente a quella iniziale."))
        return data


def _position_ids(organization, text: str) -> list[int]:
    text = "".join(text.split())
    options = PaymentOption.objects.filter(position__organization=organization)
    ids = set(options.filter(Q(notice_number=text) | Q(iuv=text))
              .values_list("position_id", flat=True))
    if text.isdigit() and len(text) <= 12:
        ids.add(int(text))
    return sorted(ids)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def filtered_entries(organization, form: AuditFilterForm):
    entries = AuditEntry.objects.filter(organization=organization)
    if not form.is_valid():
        return entries
    data = form.cleaned_data
    if data["actor"]:
        entries = entries.filter(actor_label__icontains=data["actor"].strip())
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["subject"]:
        text = data["subject"].strip()
        entries = entries.filter(Q(object_repr__icontains=text) | Q(object_id=text))
    if data["position"]:
        entries = entries.filter(position_id__in=_position_ids(organization, data["position"]))
    if data["since"]:
        entries = entries.filter(created_at__gte=_day_start(data["since"]))
    if data["until"]:
        entries = entries.filter(created_at__lt=_day_start(data["until"] + dt.timedelta(days=1)))
    return entries


@staff_required(role=StaffRole.MANAGER)
def audit_list(request):
    organization = request.organization
    actions = (AuditEntry.objects.filter(organization=organization)
               .values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actions=list(actions))
    entries = filtered_entries(organization, form)
    fmt = export_format(request)
    if fmt:
        columns = [Column(_("Quando"), DATETIME), Column(_("Chi")), Column(_("Da dove")),
                   Column(_("Azione")), Column(_("Codice azione")), Column(_("Oggetto")),
                   Column(_("Posizione"), INTEGER), Column(_("Dettagli"), width=60)]
        rows = ((e.created_at, e.actor_label, e.ip_address, action_label(e.action), e.action,
                 e.object_repr, e.position_id, summary(e.data)) for e in entries.iterator())
        return export_response(fmt, _("registro-attivita"), columns, rows)
    return render(request, "backoffice/audit/list.html", {
        "organization": organization, "membership": request.membership, "form": form,
        "page": paginate(request, entries)})
