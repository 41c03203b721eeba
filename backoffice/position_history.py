"""A position's history as staff read it: the audit entries that name it, each with an
Italian label and the list of what changed (from the entry's before / after)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.labels import action_label
from pagopa.money import format_euro
from positions.models import PaymentOption

# Actions only a position's page shows; the rest are named by audit.labels.
LABELS = {
    "debtor.created": gettext_lazy("Debitore creato"),
    "debtor.updated": gettext_lazy("Anagrafica del debitore modificata"),
}

FIELDS = {
    "causale": gettext_lazy("Causale"),
    "external_reference": gettext_lazy("Riferimento pratica"),
    "switch_to_expired": gettext_lazy("Non pagabile dopo la scadenza"),
    "full_name": gettext_lazy("Nome"),
    "address": gettext_lazy("Indirizzo"),
    "city": gettext_lazy("Città"),
    "province": gettext_lazy("Provincia"),
    "postal_code": gettext_lazy("CAP"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Telefono"),
    "nation": gettext_lazy("Nazione"),
}


STATUSES = dict(PaymentOption.Status.choices)


def _show(value: Any) -> str:
    if value is True:
        return _("sì")
    if value is False:
        return _("no")
    return str(value) if value not in (None, "") else "—"


def _date(value: str | None) -> str:
    if not value:
        return "—"
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def changes(entry) -> list[str]:
    """What the entry changed, one sentence per fact."""
    data = entry.data or {}
    lines = []
    if data.get("reason"):
        lines.append(_("Motivo: %(reason)s") % {"reason": data["reason"]})
    before, after = data.get("before"), data.get("after")
    if not before or not after:
        return lines
    for name, label in FIELDS.items():
        if name in before and before.get(name) != after.get(name):
            lines.append(f"{label}: {_show(before.get(name))} → {_show(after.get(name))}")
    if before.get("debtor") and before["debtor"] != after.get("debtor"):
        lines.append(_("Debitore: %(before)s → %(after)s") % {
            "before": before["debtor"].get("fiscal_code"),
            "after": after["debtor"].get("fiscal_code")})
    old = {o["notice_number"]: o for o in before.get("options", [])}
    for option in after.get("options", []):
        was = old.get(option["notice_number"])
        if was is None:
            continue
        notice = option["notice_number"]
        if was["amount_cents"] != option["amount_cents"]:
            lines.append(_("Avviso %(n)s, importo: %(a)s → %(b)s") % {
                "n": notice, "a": format_euro(was["amount_cents"]),
                "b": format_euro(option["amount_cents"])})
        if was["due_date"] != option["due_date"]:
            lines.append(_("Avviso %(n)s, scadenza: %(a)s → %(b)s") % {
                "n": notice, "a": _date(was["due_date"]), "b": _date(option["due_date"])})
        if was["status"] != option["status"]:
            lines.append(_("Avviso %(n)s, stato: %(a)s → %(b)s") % {
                "n": notice, "a": STATUSES.get(was["status"], was["status"]),
                "b": STATUSES.get(option["status"], option["status"])})
        if was["transfers"] != option["transfers"] and was["amount_cents"] == option[
                "amount_cents"]:
            lines.append(_("Avviso %(n)s: trasferimenti modificati") % {"n": notice})
    return lines


def describe(entries) -> list:
    """The entries, each with ``label`` and ``changes`` for the template."""
    result = []
    for entry in entries:
        entry.label = LABELS.get(entry.action) or action_label(entry.action)
        entry.changes = changes(entry)
        result.append(entry)
    return result
