"""*Staff dell'Ente* (responsabile only): the list, add a person, change a role, remove."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import staff
from backoffice.access import staff_required
from backoffice.exports import DATE, Column, export_format, export_response, paginate
from organizations.models import StaffMembership, StaffRole
from sportello.fields import FiscalCodeField
from sportello.forms import StyledForm


class AddMemberForm(StyledForm, forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254)
    first_name = forms.CharField(label=gettext_lazy("Nome"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Cognome"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Ruolo"), choices=StaffRole.choices,
                             initial=StaffRole.OPERATOR)
    fiscal_code = FiscalCodeField(
        label=gettext_lazy("Codice fiscale (facoltativo)"), required=False,
        help_text=gettext_lazy("Per entrare anche con SPID o CIE. Solo per chi non ha ancora "
                               "un'utenza: chi ce l'ha usa il codice fiscale del suo profilo."))


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=StaffRole.choices)


def _context(request, **extra):
    return {"organization": request.organization, "membership": request.membership, **extra}


def _members(request):
    return (StaffMembership.objects.filter(organization=request.organization)
            .select_related("user").order_by("user__last_name", "user__first_name",
                                             "user__email"))


@staff_required(role=StaffRole.MANAGER)
def staff_list(request):
    members = _members(request)
    fmt = export_format(request)
    if fmt:
        columns = [Column(_("Email")), Column(_("Nome")), Column(_("Cognome")),
                   Column(_("Ruolo")), Column(_("Aggiunto il"), DATE)]
        rows = ((m.user.email, m.user.first_name, m.user.last_name, m.get_role_display(),
                 m.created_at) for m in members.iterator())
        return export_response(fmt, _("staff"), columns, rows)
    return render(request, "backoffice/staff/list.html", _context(
        request, page=paginate(request, members), roles=StaffRole.choices))


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def staff_add(request):
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = staff.add_member(request.organization, request=request, **form.cleaned_data)
        except staff.StaffRuleError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("%(email)s è nello staff: le abbiamo scritto come "
                                        "accedere.") % {"email": member.user.email})
            return redirect("backoffice:staff", request.organization.slug)
    return render(request, "backoffice/staff/add.html", _context(request, form=form))


def _member(request, member: int) -> StaffMembership:
    return get_object_or_404(StaffMembership.objects.select_related("user"), pk=member,
                             organization=request.organization)


@require_POST
@staff_required(role=StaffRole.MANAGER)
def staff_role(request, member: int):
    target = _member(request, member)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli un ruolo dall'elenco."))
    else:
        try:
            staff.change_role(target, form.cleaned_data["role"], request=request)
        except staff.StaffRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Ruolo di %(email)s aggiornato.")
                             % {"email": target.user.email})
    return redirect("backoffice:staff", request.organization.slug)


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def staff_remove(request, member: int):
    target = _member(request, member)
    if request.method == "POST":
        try:
            staff.remove_member(target, request=request)
        except staff.StaffRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(email)s non fa più parte dello staff.")
                             % {"email": target.user.email})
            if target.pk == request.membership.pk:
                return redirect("backoffice:login", request.organization.slug)
        return redirect("backoffice:staff", request.organization.slug)
    return render(request, "backoffice/staff/remove.html", _context(request, target=target))
