"""Helpers for the documents tests that go through Django (search, login, downloads)."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

CF = "RSSMRA80E12H501I"


def search(client, organization, fiscal_code: str = CF, reference: str = "TS-2026-09"):
    """Ricerca pratica in this client's session: the proof that makes a position visible."""
    url = reverse("positions:search", args=[organization.slug])
    response = client.post(url, {"fiscal_code": fiscal_code, "reference": reference})
    assert response.status_code == 200
    return response


def notice_url(organization, position) -> str:
    return reverse("documents:notice", args=[organization.slug, position.pk])


def claim(user, position) -> None:
    from positions.models import PositionClaim

    PositionClaim.objects.create(user=user, position=position,
                                 source=PositionClaim.Source.CREATED)


def zip_names(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sorted(archive.namelist())


def zip_members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
