"""What the SP remembers between an AuthnRequest and its response."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthnRequestRecord(models.Model):
    """One AuthnRequest sent to an identity provider.

    The response's InResponseTo must name a record that is recent and unused (one use
    only). The browser that sent the request is bound by ``browser_nonce`` (kept in its
    session): the IdP posts back cross-site, where the session cookie (SameSite=Lax) is
    not sent, so the ACS only stores the validated identity and the login happens on the
    same-site redirect that follows, in the browser that asked.
    """

    request_id = models.CharField(_("ID della richiesta"), max_length=64, unique=True)
    scheme = models.CharField(_("schema"), max_length=4)  # spid / cie
    idp_entity_id = models.CharField(_("gestore dell'identità"), max_length=255)
    level = models.CharField(_("livello richiesto"), max_length=40)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    browser_nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a response for this request was accepted: any later one is a replay.
    answered_at = models.DateTimeField(null=True, blank=True)
    completion_token = models.CharField(max_length=64, blank=True, db_index=True)
    identity = models.JSONField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("richiesta di autenticazione")
        verbose_name_plural = _("richieste di autenticazione")

    def __str__(self) -> str:
        return self.request_id
