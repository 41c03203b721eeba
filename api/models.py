"""The API's own records: the Ente's tokens and the idempotency keys of its creates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from positions.models import PaymentPosition


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """One of an Ente's systems: its secret is shown once and only its SHA-256 is kept.

    The secret has 256 random bits, so a plain hash is enough (no slow password hash:
    nothing to guess); the visible ``prefix`` lets staff tell tokens apart in lists and
    logs without ever seeing the secret again."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="api_tokens", verbose_name=_("Ente"))
    name = models.CharField(_("nome"), max_length=100)
    prefix = models.CharField(_("inizio del token"), max_length=16, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("creato da"))
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("revocato da"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # What the audit log shows as the actor of an API call.
        return f"API: {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` a create was sent with: the same key again answers the
    position it created instead of creating another. Unique per Ente, so two concurrent
    requests with one key cannot both create."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    position = models.ForeignKey(PaymentPosition, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"],
                                               name="api_idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} → {self.position_id}"
