"""*Registro attività*: the Ente's entries only, searchable, paginated, exportable; and the
history include the position page uses."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from audit.log import log_action
from audit.models import AuditEntry


def url(organization):
    return reverse("backoffice:audit", args=[organization.slug])


def test_operators_are_refused(operator_client, organization):
    assert operator_client.get(url(organization)).status_code == 403


def test_only_this_entes_entries_with_filters(manager_client, organization, other_organization,
                                              make_position, operator):
    position = make_position()
    log_action("position.created", obj=position, actor=operator,
               data={"after": {"causale": "Mensa"}})
    log_action("service.updated", organization=organization, actor=operator)
    log_action("position.created", organization=other_organization, data={"secret": "B"})
    page = manager_client.get(url(organization)).content.decode()
    assert "Posizione creata" in page and "Servizio modificato" in page
    assert "secret" not in page
    by_action = manager_client.get(url(organization), {"action": "service.updated"})
    assert "Posizione creata" not in by_action.content.decode().split("<tbody>")[1]
    notice = position.options.first().notice_number
    by_position = manager_client.get(url(organization), {"position": notice}).content.decode()
    assert "Mensa" in by_position and "Servizio modificato" not in by_position.split("<tbody>")[1]
    assert f'value="{notice}"' in by_position  # the filter keeps what was typed
    by_actor = manager_client.get(url(organization), {"actor": "nessuno"}).content.decode()
    assert "Nessuna voce corrisponde" in by_actor


def test_date_range(manager_client, organization):
    log_action("organization.updated", organization=organization)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    inside = manager_client.get(url(organization), {"since": today.isoformat(),
                                                    "until": today.isoformat()})
    assert "Dati dell" in inside.content.decode().split("<tbody>")[1]
    before = manager_client.get(url(organization), {"until": yesterday.isoformat()})
    assert "Nessuna voce corrisponde" in before.content.decode()
    wrong = manager_client.get(url(organization), {"since": today.isoformat(),
                                                   "until": yesterday.isoformat()})
    assert "precedente a quella iniziale" in wrong.content.decode()


def test_paginated_50_a_page(manager_client, organization):
    AuditEntry.objects.bulk_create([AuditEntry(organization=organization, action="x.y")
                                    for _ in range(60)])
    page = manager_client.get(url(organization), {"action": "x.y"}).content.decode()
    assert page.count("<td>x.y</td>") == 50 and "Pagina 1 di 2" in page
    second = manager_client.get(url(organization), {"action": "x.y", "page": 2}).content.decode()
    assert second.count("<td>x.y</td>") == 10


def test_xlsx_export(manager_client, organization, operator):
    log_action("staff.role_changed", organization=organization, actor=operator,
               data={"before": {"role": "operatore"}, "after": {"role": "responsabile"}})
    response = manager_client.get(url(organization), {"formato": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Quando", "Chi", "Da dove", "Azione"]
    changed = next(r for r in rows if r[4] == "staff.role_changed")
    assert changed[1] == operator.email and changed[3] == "Ruolo cambiato"
    assert changed[7] == "role: operatore → responsabile"


def test_fiscal_code_verifications_are_audited(admin_client, admin_user, payer, organization,
                                               make_position):
    from accounts import verification

    position = make_position()
    verification.verify_with_notice(payer, organization, position.options.first().notice_number)
    by_notice = AuditEntry.objects.get(action="fiscal_code.verified")
    assert by_notice.actor == payer and by_notice.organization == organization
    assert by_notice.data["method"] == "notice"
    payer.fiscal_code = "BNCNNA80A41H501X"
    payer.save()
    admin_client.post("/admin/accounts/fiscalcodeverification/add/", {
        "user": payer.pk, "organization": organization.pk, "evidence": "carta d'identità"})
    by_staff = AuditEntry.objects.filter(action="fiscal_code.verified").first()
    assert by_staff.actor == admin_user and by_staff.data["method"] == "staff"
    assert by_staff.ip_address == "127.0.0.1"
