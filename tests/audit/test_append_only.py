"""The audit trail is append-only: no code path changes or removes an entry."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.log import log_action
from audit.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entry(organization):
    return log_action("organization.updated", obj=organization, data={"after": {"a": 1}})


def test_save_of_an_existing_entry_is_refused(entry):
    entry.action = "nothing.happened"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.updated"


def test_delete_of_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.updated"


def test_the_admin_is_read_only(client, django_user_model, entry):
    from django.urls import reverse

    root = django_user_model.objects.create_superuser("root@example.it", "Password-lunga-123")
    client.force_login(root)
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(change).status_code == 200  # view only
    client.post(change, {"action": "x"})
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.updated"


@pytest.mark.postgres
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
    "DELETE FROM audit_auditentry WHERE id = %s",
])
def test_postgresql_refuses_raw_update_and_delete(entry, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (SQLite: ORM guard)")
    with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.updated"
