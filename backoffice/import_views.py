"""The import pages: the guide with the template, the upload, the check's report, the
confirmation and the progress bar. The work is in ``backoffice.imports``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from backoffice import import_template, imports
from backoffice.access import staff_required
from backoffice.exports import paginate
from backoffice.import_file import COLUMNS, REQUIRED, FileRefused, max_rows
from backoffice.models import ImportRun
from sportello.forms import StyledForm


class UploadForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=_("File da importare (CSV o XLSX)"),
        error_messages={"required": _("Scegli il file da importare."),
                        "empty": _("Il file è vuoto: nessuna riga da importare.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))


def _run(request, pk: int) -> ImportRun:
    return get_object_or_404(ImportRun, pk=pk, organization=request.organization)


@staff_required()
def import_home(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = imports.start(request.organization, form.cleaned_data["file"],
                                request=request)
        except FileRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("backoffice:import_run", request.organization.slug, run.pk)
    runs = ImportRun.objects.filter(organization=request.organization).select_related(
        "created_by").defer("content")
    return render(request, "backoffice/imports/home.html", {
        "membership": request.membership,  # the back-office menu (base.html) needs it
        "form": form, "page": paginate(request, runs), "columns": COLUMNS,
        "required": REQUIRED, "max_rows": max_rows()})


@staff_required()
@require_GET
def import_template_file(request, fmt: str):
    if fmt == "xlsx":
        return import_template.xlsx_response(request.organization)
    return import_template.csv_response(request.organization)


@staff_required()
def import_run(request, pk: int):
    run = _run(request, pk)  # the run's scope before the method: 404 first
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    done, total = run.progress()
    return render(request, "backoffice/imports/run.html", {
        "membership": request.membership, "run": run, "done": done, "total": total,
        "page": paginate(request, run.problems.all(), per_page=100)})


@staff_required()
def import_run_status(request, pk: int):
    """What the progress bar polls: small, no file content."""
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=pk,
                            organization=request.organization)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    done, total = run.progress()
    return JsonResponse({"status": run.status, "running": run.running, "done": done,
                         "total": total})


@staff_required()
def import_confirm(request, pk: int):
    run = _run(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if run.status == ImportRun.Status.CHECKED and run.writable:
        imports.confirm(run, request=request)
    elif run.status == ImportRun.Status.CHECKED:
        messages.info(request, gettext("Niente da scrivere: nessuna posizione nuova o "
                                       "modificata."))
    return redirect("backoffice:import_run", request.organization.slug, run.pk)
