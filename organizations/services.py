"""Changing an Ente's settings: the one writer of the fields its responsabile may edit.

Validation is the model's (pagoPA's rules: codice fiscale with its check digit, segregation
code 00–45, IBANs, a postal IBAN with Poste's ABI). The change is announced with
``organization_updated`` inside the transaction, with what each field was before and is
after: the audit trail (a layer above) records it, so both happen or neither does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from organizations.models import Organization
from sportello.validators import normalize_iban

#: Sent inside the transaction of a change (kwargs ``organization``, ``before``, ``after``,
#: ``request``, ``actor``).
organization_updated = Signal()

#: What the Ente's responsabile may change. The IUV counter, the broker and station ids
#: and the codes of the SPID/CIE metadata are the installation's, never edited here.
EDITABLE_FIELDS = (
    "name", "sector", "logo", "iban", "postal_iban", "cbill_code", "postal_account",
    "postal_account_holder", "postal_authorization", "address", "email", "pec", "phone",
    "website", "local_registration", "spid_level", "fiscal_code", "segregation_code",
)
#: Printed in every notice already issued (the QR code carries them): fixed once the Ente
#: has positions.
IDENTITY_FIELDS = ("fiscal_code", "segregation_code")


def identity_locked(organization: Organization) -> bool:
    return organization.positions.exists()


def _plain(value):
    """A field's value as the audit trail keeps it (the logo by its file name)."""
    if isinstance(value, File):  # the stored logo (FieldFile) or a new upload
        return value.name or ""
    return value


def update_organization(organization: Organization, values: dict, *, request=None,
                        actor=None) -> list[str]:
    """Apply ``values`` (field → value) after the model's validation; return the names of
    the fields that changed. ValidationError (Italian, per field) leaves everything as it
    was."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    values = dict(values)
    for name in ("iban", "postal_iban"):
        if name in values:
            values[name] = normalize_iban(values[name])
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if identity_locked(locked):
            refused = {name: _("Non modificabile: l'Ente ha già emesso avvisi che lo riportano.")
                       for name in IDENTITY_FIELDS
                       if name in values and values[name] != getattr(locked, name)}
            if refused:
                raise ValidationError(refused)
        before = {name: _plain(getattr(locked, name)) for name in values}
        for name, value in values.items():
            setattr(locked, name, value)
        locked.full_clean()
        changed = [name for name in values if _plain(getattr(locked, name)) != before[name]]
        if not changed:
            return []
        locked.save(update_fields=changed)
        organization_updated.send(
            sender=Organization, organization=locked, request=request, actor=actor,
            before={name: before[name] for name in changed},
            after={name: _plain(getattr(locked, name)) for name in changed})
    for name in changed:
        setattr(organization, name, getattr(locked, name))
    return changed
