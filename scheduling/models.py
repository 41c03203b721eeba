from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When a scheduled job is next due. The row is the lease: a scheduler takes a run
    with one conditional UPDATE (``next_run_at <= now``), so two schedulers (a restart,
    several servers) never start the same run twice."""

    name = models.CharField(_("attività"), max_length=64, unique=True)
    next_run_at = models.DateTimeField(_("prossima esecuzione"))
    last_run_at = models.DateTimeField(_("ultima esecuzione"), null=True, blank=True)

    class Meta:
        verbose_name = _("attività pianificata")
        verbose_name_plural = _("attività pianificate")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
