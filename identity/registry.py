"""The identity providers a payer may choose: the registry file plus, in development,
the demo identity provider.

The file (``identity/registry.json``, or ``IDENTITY_REGISTRY_FILE``) lists per scheme
(``spid``, ``cie``) each provider's key, name, entityID, metadata URL and logo. Metadata
are read from ``var/identity/metadata/<key>.xml`` (``manage.py
identity_fetch_metadata`` downloads them) or from the entry's ``metadata_file``; a
provider without metadata is not offered, since its signatures could not be checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SCHEMES = ("spid", "cie")
DEFAULT_FILE = Path(__file__).resolve().parent / "registry.json"


@dataclass(frozen=True)
class IdentityProvider:
    scheme: str
    key: str
    name: str
    entity_id: str
    metadata_url: str = ""
    logo: str = ""
    metadata_path: Path | None = None
    demo: bool = False

    def metadata_xml(self) -> str | None:
        if self.demo:
            from identity import demo_idp

            return demo_idp.metadata_xml()
        if self.metadata_path and self.metadata_path.is_file():
            return self.metadata_path.read_text(encoding="utf-8")
        return None


def metadata_dir() -> Path:
    return Path(settings.VAR_DIR) / "identity" / "metadata"


def registry_file() -> Path:
    return Path(getattr(settings, "IDENTITY_REGISTRY_FILE", "") or DEFAULT_FILE)


def _entries(scheme: str) -> list[IdentityProvider]:
    data = json.loads(registry_file().read_text(encoding="utf-8"))
    found = []
    for entry in data.get(scheme, []):
        path = entry.get("metadata_file")
        path = Path(path) if path else metadata_dir() / f"{scheme}-{entry['key']}.xml"
        found.append(IdentityProvider(
            scheme=scheme, key=entry["key"], name=entry["name"], entity_id=entry["entity_id"],
            metadata_url=entry.get("metadata_url", ""), logo=entry.get("logo", ""),
            metadata_path=path))
    return found


def all_providers(scheme: str) -> list[IdentityProvider]:
    """Every provider of the registry (with or without metadata), then the demo one."""
    providers = _entries(scheme)
    if settings.DEMO_IDP_ENABLED:
        from identity import demo_idp

        providers.append(IdentityProvider(
            scheme=scheme, key="demo", name=str(demo_idp.NAME), entity_id=demo_idp.entity_id(),
            logo="", demo=True))
    return providers


def providers(scheme: str) -> list[IdentityProvider]:
    """The providers a payer can use now: those whose metadata we hold."""
    return [idp for idp in all_providers(scheme)
            if idp.demo or (idp.metadata_path and idp.metadata_path.is_file())]


def by_key(scheme: str, key: str) -> IdentityProvider | None:
    return next((idp for idp in providers(scheme) if idp.key == key), None)


def by_entity_id(scheme: str, entity_id: str) -> IdentityProvider | None:
    return next((idp for idp in providers(scheme) if idp.entity_id == entity_id), None)
