"""Superusers read flows, runs and the work queue in the admin; nobody edits them there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reconciliation.models import Flow, FlowPayment, ReconciliationIssue, SyncRun

pytestmark = pytest.mark.django_db


def test_read_only_pages(client, django_user_model, organization):
    admin_user = django_user_model.objects.create_superuser("root@example.it", "x" * 16)
    client.force_login(admin_user)
    flow = Flow.objects.create(organization=organization, fdr="F1", revision=1, psp_id="P")
    FlowPayment.objects.create(flow=flow, index=1, iuv="1", iur="2", id_transfer=1,
                               amount_cents=100, pay_status="EXECUTED")
    issue = ReconciliationIssue.objects.create(organization=organization, kind="revocato",
                                               key="k", flow=flow)
    run = SyncRun.objects.create(organization=organization)
    for model, obj in ((Flow, flow), (ReconciliationIssue, issue), (SyncRun, run)):
        name = f"admin:reconciliation_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200
        page = client.get(reverse(f"{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert client.get(reverse(f"{name}_add")).status_code == 403
