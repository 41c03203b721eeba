"""The back office's menu as data: a few labelled groups instead of one row of 13 links,
with the role rule (what only a *responsabile* sees) next to each entry, so the template
only draws it and a test can read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    managers_only: bool = False


@dataclass(frozen=True)
class Group:
    key: str  # for the element ids
    label: Promise
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Link:
    label: Promise
    url: str


#: What the staff can open, grouped; the dashboard (*Cruscotto*) stands alone before them.
GROUPS = (
    Group("posizioni", _("Posizioni"), (
        Entry(_("Posizioni"), "backoffice:positions"),
        Entry(_("Importazione"), "backoffice:imports"),
        Entry(_("Servizi"), "backoffice:services", managers_only=True),
    )),
    Group("incassi", _("Incassi e riconciliazione"), (
        Entry(_("Ricevute"), "backoffice:receipts"),
        Entry(_("Riconciliazione"), "backoffice:reconciliation"),
    )),
    Group("comunicazioni", _("Comunicazioni"), (
        Entry(_("Irraggiungibili"), "backoffice:unreachable"),
        Entry(_("App IO"), "backoffice:appio", managers_only=True),
        Entry(_("Notifiche"), "backoffice:webhooks", managers_only=True),
    )),
    Group("ente", _("Ente e impostazioni"), (
        Entry(_("Ente"), "backoffice:ente", managers_only=True),
        Entry(_("Staff"), "backoffice:staff", managers_only=True),
        Entry(_("Token API"), "backoffice:api_tokens", managers_only=True),
        Entry(_("Registro attività"), "backoffice:audit", managers_only=True),
    )),
)


def menu_for(slug: str, is_manager: bool) -> list[tuple[Group, list[Link]]]:
    """The groups this member sees, each with its links; a group left empty by the role
    rule (an *operatore*'s *Ente e impostazioni*) is not shown at all."""
    shown = []
    for group in GROUPS:
        links = [Link(entry.label, reverse(entry.url_name, args=[slug]))
                 for entry in group.entries if is_manager or not entry.managers_only]
        if links:
            shown.append((group, links))
    return shown
