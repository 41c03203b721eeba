"""The back office's own records: the file imports (``backoffice.imports``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class ImportRun(models.Model):
    """One file a member of staff uploaded: checked first (a report of every wrong row),
    then, once confirmed, written by a background job that records how far it got
    (``processed``), so a job restarted after a worker died carries on from there."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("In verifica")
        CHECKED = "checked", _("Verificato: da confermare")
        REFUSED = "refused", _("File non leggibile")
        WRITING = "writing", _("In importazione")
        DONE = "done", _("Importato")
        FAILED = "failed", _("Interrotto per un errore")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="import_runs", verbose_name=_("Ente"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("caricato da"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("confermato da"))
    created_at = models.DateTimeField(_("caricato il"), auto_now_add=True)
    # The job's heartbeat: bumped with each batch; a run that stops moving is resumed.
    updated_at = models.DateTimeField(auto_now=True)
    filename = models.CharField(_("file"), max_length=255)
    kind = models.CharField(max_length=4)  # csv | xlsx
    # The file itself, in the database: any worker of any server can read it (no shared
    # disk); emptied once the run is over.
    content = models.BinaryField(editable=False)
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices,
                              default=Status.CHECKING)
    file_error = models.TextField(_("errore del file"), blank=True)
    rows = models.PositiveIntegerField(_("righe"), default=0)
    positions = models.PositiveIntegerField(_("posizioni"), default=0)
    # The check: what confirming would do.
    invalid = models.PositiveIntegerField(_("posizioni con errori"), default=0)
    to_create = models.PositiveIntegerField(_("da creare"), default=0)
    to_update = models.PositiveIntegerField(_("da aggiornare"), default=0)
    unchanged = models.PositiveIntegerField(_("già presenti e invariate"), default=0)
    conflicts = models.PositiveIntegerField(_("in conflitto"), default=0)
    # Progress: rows checked, positions written (in file order: a resumed job skips
    # the first ``processed``).
    checked = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # The write: what it did.
    created = models.PositiveIntegerField(_("create"), default=0)
    updated = models.PositiveIntegerField(_("aggiornate"), default=0)
    kept = models.PositiveIntegerField(_("invariate"), default=0)
    refused = models.PositiveIntegerField(_("non scritte"), default=0)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.WRITING)

    @property
    def writable(self) -> int:
        """Positions a confirmation would write (new or changed)."""
        return self.to_create + self.to_update

    def progress(self) -> tuple[int, int]:
        """(done, total) of the phase under way: rows while checking, positions while
        writing."""
        if self.status in (self.Status.WRITING, self.Status.DONE):
            return self.processed, max(self.positions, self.processed)
        return self.checked, max(self.rows, self.checked)


class ImportProblem(models.Model):
    """One wrong row of a checked file: line (the header is line 1), column, reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField(_("riga"))
    column = models.CharField(_("colonna"), max_length=40, blank=True)
    reference = models.CharField(_("riferimento"), max_length=100, blank=True)
    message = models.TextField(_("errore"))

    class Meta:
        verbose_name = _("riga con errori")
        verbose_name_plural = _("righe con errori")
        ordering = ["line", "pk"]

    def __str__(self) -> str:
        return f"{self.line} {self.column}: {self.message}"
