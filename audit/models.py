"""The append-only log of who did what: every change by staff, every receipt applied or
flagged, every verification of a codice fiscale, every back-office login."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class AppendOnlyError(Exception):
    """Something tried to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    """No bulk change or removal: the log is written once (see also the PostgreSQL
    trigger of migration 0002, for whatever bypasses the ORM)."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are never updated")

    def delete(self):
        raise AppendOnlyError("audit entries are never deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries are never updated")


class AuditEntry(models.Model):
    """One fact, written once. Nothing updates or deletes a row (see audit.log)."""

    created_at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, null=True,
        related_name="+", verbose_name=_("Ente"))
    # No database constraint: deleting a person must not rewrite the log (SET_NULL would
    # be an UPDATE); ``actor_label`` keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, related_name="+", verbose_name=_("chi"))
    actor_label = models.CharField(_("chi (come era allora)"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("da dove"), null=True, blank=True)
    action = models.CharField(_("azione"), max_length=64, db_index=True)
    object_type = models.CharField(_("tipo di oggetto"), max_length=100, blank=True)
    object_id = models.CharField(_("id oggetto"), max_length=64, blank=True)
    object_repr = models.CharField(_("oggetto"), max_length=200, blank=True)
    # The position the fact concerns, if any: the position page shows its history.
    position_id = models.BigIntegerField(_("posizione"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("dettagli"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("voce del registro")
        verbose_name_plural = _("registro delle attività")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries are never updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are never deleted")
