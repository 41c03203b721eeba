"""What each action is called on the back office's pages and exports (Italian first).

An action not listed shows its dotted name: adding a label here is enough to name it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "staff.login": _("Accesso al back office"),
    "staff.login_failed": _("Accesso non riuscito"),
    "staff.logout": _("Uscita dal back office"),
    "staff.second_factor_enrolled": _("Secondo fattore attivato"),
    "staff.added": _("Persona aggiunta allo staff"),
    "staff.role_changed": _("Ruolo cambiato"),
    "staff.removed": _("Persona rimossa dallo staff"),
    "position.created": _("Posizione creata"),
    "position.updated": _("Posizione modificata"),
    "position.cancelled": _("Posizione annullata"),
    "position.imported": _("Posizione creata da importazione o API"),
    "debtor.updated": _("Anagrafica aggiornata"),
    "positions.import_confirmed": _("Importazione confermata"),
    "position.reopened": _("Posizione riaperta"),
    "receipt.applied": _("Ricevuta applicata"),
    "receipt.flagged": _("Ricevuta da verificare"),
    "receipt.applied_after_review": _("Ricevuta applicata dopo verifica"),
    "receipt.handled": _("Ricevuta gestita"),
    "service.created": _("Servizio creato"),
    "service.updated": _("Servizio modificato"),
    "organization.updated": _("Dati dell'Ente modificati"),
    "fiscal_code.verified": _("Codice fiscale verificato"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def changes(data: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field that a ``{"before", "after"}`` record names."""
    if not isinstance(data, dict):
        return []
    before = data.get("before") if isinstance(data.get("before"), dict) else {}
    after = data.get("after") if isinstance(data.get("after"), dict) else {}
    fields = list(dict.fromkeys([*before, *after]))
    return [(field, before.get(field), after.get(field)) for field in fields
            if before.get(field) != after.get(field) or field not in before]


def summary(data: dict) -> str:
    """One line for a list or an export: ``campo: prima → dopo; …`` or the other details."""
    if not isinstance(data, dict) or not data:
        return ""
    parts = []
    for field, old, new in changes(data):
        parts.append(f"{field}: {'' if old is None else old} → {'' if new is None else new}"
                     if old is not None else f"{field}: {new}")
    parts += [f"{key}: {value}" for key, value in data.items() if key not in ("before", "after")]
    return "; ".join(parts)
