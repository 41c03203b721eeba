"""What a *responsabile* does with the Ente's endpoints: register, change, switch off,
rotate the secret, send a test ping, retry a delivery. Each is one transaction with its
audit entry; the secret is never written to the log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_action
from organizations.models import Organization
from webhooks import delivery as deliveries
from webhooks import signing
from webhooks.models import SUBSCRIBABLE, Delivery, Endpoint, EventType
from webhooks.publish import publish
from webhooks.targets import check_url

MIN_SECRET = 24


def clean_secret(secret: str) -> str:
    """A typed secret: long enough to resist guessing, printable ASCII, no spaces."""
    secret = secret.strip()
    if len(secret) < MIN_SECRET or len(secret) > 200:
        raise ValidationError(_("Il segreto deve avere da %(min)d a 200 caratteri.")
                              % {"min": MIN_SECRET})
    if not all(33 <= ord(c) < 127 for c in secret):
        raise ValidationError(_("Il segreto può contenere solo lettere, cifre e simboli "
                                "ASCII, senza spazi."))
    return secret


def _clean(url: str, events: list[str]) -> list[str]:
    errors = {}
    try:
        check_url(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    chosen = [e for e in SUBSCRIBABLE if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        errors["events"] = [_("Scegli almeno un evento dall'elenco.")]
    if errors:
        raise ValidationError(errors)
    return [str(e) for e in chosen]


def _facts(endpoint: Endpoint) -> dict:
    return {"url": endpoint.url, "description": endpoint.description,
            "events": list(endpoint.events), "is_active": endpoint.is_active}


@transaction.atomic
def create_endpoint(organization: Organization, *, url: str, events: list[str],
                    description: str = "", secret: str = "", request=None
                    ) -> tuple[Endpoint, str]:
    """Register an endpoint; returns it with its secret (typed, or generated), which the
    page shows once."""
    events = _clean(url, events)
    secret = clean_secret(secret) if secret else signing.new_secret()
    endpoint = Endpoint.objects.create(organization=organization, url=url,
                                       description=description, events=events, secret=secret)
    log_action("webhook.created", obj=endpoint, request=request, organization=organization,
               data={"after": _facts(endpoint)})
    return endpoint, secret


@transaction.atomic
def update_endpoint(endpoint: Endpoint, *, url: str, events: list[str], description: str,
                    is_active: bool, request=None) -> Endpoint:
    """Change address, events or state. Switching off ends the deliveries still waiting
    (failed, with the reason: *Riprova ora* sends them once it is on again)."""
    events = _clean(url, events)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _facts(endpoint)
    endpoint.url, endpoint.events = url, events
    endpoint.description, endpoint.is_active = description, is_active
    endpoint.save(update_fields=["url", "events", "description", "is_active"])
    if not is_active:
        endpoint.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED, last_error="Endpoint disattivato")
    log_action("webhook.updated", obj=endpoint, request=request,
               data={"before": before, "after": _facts(endpoint)})
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: Endpoint, *, secret: str = "", request=None) -> str:
    """A new secret from now on (typed or generated); deliveries not yet sent will be
    signed with it."""
    secret = clean_secret(secret) if secret else signing.new_secret()
    Endpoint.objects.filter(pk=endpoint.pk).update(secret=secret,
                                                   secret_changed_at=timezone.now())
    log_action("webhook.rotated", obj=endpoint, request=request,
               data={"url": endpoint.url})
    return secret


@transaction.atomic
def ping(endpoint: Endpoint, *, request=None) -> Delivery:
    """A ``ping`` event to this endpoint only, through the queue like any other."""
    if not endpoint.is_active:
        raise ValidationError(_("L'endpoint è disattivato: attivalo prima di provarlo."))
    event = publish(endpoint.organization, EventType.PING,
                    {"message": "Prova di Sportello: se leggi questo, la firma è corretta."},
                    endpoints=[endpoint])
    log_action("webhook.ping", obj=endpoint, request=request, data={"url": endpoint.url})
    return event.deliveries.get()


@transaction.atomic
def retry(delivery: Delivery, *, request=None) -> None:
    """*Riprova ora* on a delivery not delivered yet."""
    if not delivery.endpoint.is_active:
        raise ValidationError(_("L'endpoint è disattivato: attivalo prima di riprovare."))
    if not deliveries.retry_now(delivery):
        raise ValidationError(_("Questa notifica è già stata consegnata."))
    log_action("webhook.retried", obj=delivery.endpoint, request=request,
               data={"event": str(delivery.event.public_id), "type": delivery.event.type})
