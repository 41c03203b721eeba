"""The audit trail listens to the layers below it that cannot import it (organizations)."""

from __future__ import annotations

from django.dispatch import receiver

from audit.log import log_action
from organizations.services import organization_updated


@receiver(organization_updated, dispatch_uid="audit.organization_updated")
def organization_changed(sender, organization, before, after, request=None, actor=None,
                         **kwargs):
    log_action("organization.updated", obj=organization, request=request, actor=actor,
               organization=organization, data={"before": before, "after": after})
