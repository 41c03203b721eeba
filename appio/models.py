"""App IO: each Ente's IO keys (encrypted) and every message sent or refused."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appio import secrets
from catalog.models import Service
from organizations.models import Organization
from positions.models import PaymentOption, PaymentPosition


class IoConfig(models.Model):
    """An Ente on App IO: its default service key, and the stop after IO refused it.

    ``suspended_at`` is set when IO's gateway refuses a key (401/403): every send of the
    Ente is held, not retried, and the back-office dashboard shows the alert until a
    responsabile saves a working key again (which releases the held messages).
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="io_config", verbose_name=_("Ente"))
    enabled = models.BooleanField(_("invia messaggi in App IO"), default=False)
    api_key_encrypted = models.TextField(blank=True, editable=False)
    suspended_at = models.DateTimeField(_("invii sospesi il"), null=True, blank=True,
                                        editable=False)
    suspension_error = models.CharField(_("motivo della sospensione"), max_length=500,
                                        blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("configurazione App IO")
        verbose_name_plural = _("configurazioni App IO")

    def __str__(self) -> str:
        return f"App IO: {self.organization}"

    @property
    def api_key(self) -> str | None:
        return secrets.decrypt(self.api_key_encrypted)

    def set_api_key(self, plain: str) -> None:
        self.api_key_encrypted = secrets.encrypt(plain) if plain else ""


class IoServiceKey(models.Model):
    """The key of the IO service that speaks for one of the Ente's services (IO has one
    service, with its own key, per kind of communication); else the Ente's key."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="io_key",
                                   verbose_name=_("servizio"))
    api_key_encrypted = models.TextField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chiave App IO del servizio")
        verbose_name_plural = _("chiavi App IO dei servizi")

    def __str__(self) -> str:
        return f"App IO: {self.service}"

    @property
    def api_key(self) -> str | None:
        return secrets.decrypt(self.api_key_encrypted)


class IoMessage(models.Model):
    """One message for one position: what was asked of IO and what IO answered."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Nuova posizione")
        CHANGED = "changed", _("Importo o scadenza cambiati")
        REMINDER = "reminder", _("Promemoria di scadenza")

    class State(models.TextChoices):
        PENDING = "pending", _("Da inviare")
        SENT = "sent", _("Inviato")
        NO_PROFILE = "no_profile", _("Cittadino non iscritto a IO")
        BLOCKED = "blocked", _("Servizio bloccato dal cittadino")
        REFUSED = "refused", _("Rifiutato da IO")
        HELD = "held", _("Sospeso: chiave IO rifiutata")
        FAILED = "failed", _("Non riuscito dopo i tentativi")
        SKIPPED = "skipped", _("Non più necessario")

    #: States that end a message: the sweeper never takes them up again.
    FINAL = frozenset({State.SENT, State.NO_PROFILE, State.BLOCKED, State.REFUSED,
                       State.FAILED, State.SKIPPED})

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("Ente"))
    position = models.ForeignKey(PaymentPosition, on_delete=models.CASCADE,
                                 related_name="io_messages", verbose_name=_("posizione"))
    option = models.ForeignKey(PaymentOption, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("opzione"))
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    # What makes two messages the same one: "" for a new position, the position's
    # version for a change, "<option>:<before|after>:<date>" for a reminder.
    dedupe_key = models.CharField(max_length=80, blank=True)
    state = models.CharField(_("stato"), max_length=12, choices=State.choices,
                             default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    pending_since = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    io_message_id = models.CharField(_("id del messaggio in IO"), max_length=64, blank=True)
    subject = models.CharField(_("oggetto"), max_length=120, blank=True)
    notice_number = models.CharField(_("codice avviso"), max_length=18, blank=True)
    amount_cents = models.PositiveBigIntegerField(_("importo (centesimi)"), null=True,
                                                  blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("ultima risposta HTTP"),
                                                        null=True, blank=True)
    error = models.CharField(_("errore"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio App IO")
        verbose_name_plural = _("messaggi App IO")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["position", "kind", "dedupe_key"],
                                               name="appio_message_once")]

    def __str__(self) -> str:
        return f"IO {self.kind} {self.position_id}: {self.state}"
