"""Download the metadata of the identity providers in the registry (run daily: IdPs
renew their certificates). A file is replaced only by metadata of the same entityID."""

from __future__ import annotations

import requests
from django.core.management.base import BaseCommand
from lxml import etree

from identity import registry
from identity.xml import MD, parse_untrusted, q


class Command(BaseCommand):
    help = "Fetch the SPID/CIE identity providers' metadata into var/identity/metadata/."

    def handle(self, *args, **options):
        failures = 0
        for scheme in registry.SCHEMES:
            for idp in registry.all_providers(scheme):
                if idp.demo or not idp.metadata_url or idp.metadata_path is None:
                    continue
                try:
                    answer = requests.get(idp.metadata_url, timeout=30)
                    answer.raise_for_status()
                    root = parse_untrusted(answer.content)
                except (requests.RequestException, etree.XMLSyntaxError, ValueError) as exc:
                    failures += 1
                    self.stderr.write(f"{scheme} {idp.key}: {exc}")
                    continue
                if root.tag != q(MD, "EntityDescriptor") or root.get("entityID") != idp.entity_id:
                    failures += 1
                    self.stderr.write(f"{scheme} {idp.key}: not the metadata of {idp.entity_id}")
                    continue
                idp.metadata_path.parent.mkdir(parents=True, exist_ok=True)
                partial = idp.metadata_path.with_suffix(".partial")
                partial.write_bytes(answer.content)
                partial.replace(idp.metadata_path)
                self.stdout.write(f"{scheme} {idp.key}: {idp.metadata_path}")
        if failures:
            raise SystemExit(1)
