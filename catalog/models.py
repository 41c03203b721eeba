"""The services an Ente offers (pagoPA's *tipologie di pendenza*)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

taxonomy_validator = RegexValidator(
    r"^([6-9]/)?\d{7}(IM|TS|SP|SA|AP)/?$",
    _("Codice di tassonomia pagoPA non valido (es. 9/0101002IM/ o 0101002IM)."),
)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def spontaneous(self):
        return self.active().filter(spontaneous_allowed=True)


class Service(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services",
        verbose_name=_("Ente"),
    )
    code = models.SlugField(_("codice"), max_length=35)
    name = models.CharField(_("nome"), max_length=100)
    description = models.TextField(_("descrizione"), blank=True)
    spontaneous_allowed = models.BooleanField(
        _("pagamento spontaneo ammesso"), default=False,
        help_text=_("Il pagatore può creare da sé una posizione per questo servizio."),
    )
    instructions = models.TextField(
        _("istruzioni"), blank=True,
        help_text=_("Indicazioni dell'Ente mostrate in fondo al modulo di pagamento."),
    )
    taxonomy_code = models.CharField(
        _("codice tassonomia"), max_length=16, validators=[taxonomy_validator],
        help_text=_("Tassonomia dei servizi di incasso pagoPA (transferCategory)."),
    )
    active = models.BooleanField(_("attivo"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"],
                                    name="catalog_service_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name
