"""The responsabile's App IO settings, written only here: audited (never the key itself),
and a new key after a refusal lifts the Ente's suspension and sends what was held."""

from __future__ import annotations

from django.db import transaction

from appio import sending
from appio.models import IoConfig, IoServiceKey
from appio.secrets import encrypt
from audit.log import log_action
from catalog.models import Service
from organizations.models import Organization


def config_of(organization: Organization) -> IoConfig:
    return IoConfig.objects.filter(organization=organization).first() or IoConfig(
        organization=organization)


def save_settings(organization: Organization, *, enabled: bool, api_key: str,
                  service_keys: dict[int, str], remove: set[int] = frozenset(),
                  request=None, actor=None) -> list[str]:
    """Apply the form: an empty key keeps the stored one. Returns what changed (names,
    for the audit entry and the message), [] when nothing did."""
    changed: list[str] = []
    with transaction.atomic():
        config = config_of(organization)
        if config.pk is None or config.enabled != enabled:
            changed.append("enabled")
        config.enabled = enabled
        if api_key:
            config.set_api_key(api_key)
            changed.append("api_key")
        services = {s.pk: s for s in Service.objects.filter(organization=organization)}
        for service_id, key in service_keys.items():
            if key and service_id in services:
                row = IoServiceKey.objects.filter(service_id=service_id).first() or \
                    IoServiceKey(organization=organization, service=services[service_id])
                row.api_key_encrypted = encrypt(key)
                row.save()
                changed.append(f"service_key:{services[service_id].code}")
        for service_id in remove:
            if IoServiceKey.objects.filter(service_id=service_id,
                                           organization=organization).delete()[0]:
                changed.append(f"service_key_removed:{services[service_id].code}")
        if not changed:
            return []
        config.save()
        log_action("appio.settings_changed", obj=config, request=request, actor=actor,
                   organization=organization, data={"changed": changed})
        new_key = any(name == "api_key" or name.startswith("service_key:") for name in changed)
        if config.suspended_at is not None and new_key:
            log_action("appio.sends_resumed", obj=config, request=request, actor=actor,
                       organization=organization,
                       data={"released": sending.release(config)})
    return changed
