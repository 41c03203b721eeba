"""Helpers for the account tests: fill the two registration steps, read links from
the outbox (the emails exactly as they will be delivered)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mail.models import OutgoingEmail

PASSWORD = "Un-segreto-lungo-42"

PERSON = {
    "first_name": "Mario", "last_name": "Rossi", "address": "Via Roma 1", "nation": "IT",
    "city": "Roma", "province": "RM", "postal_code": "00100", "phone": "06 1234 5678",
    "email": "mario.rossi@example.it", "password1": PASSWORD, "password2": PASSWORD,
    "privacy": "on",
}
COMPANY = {
    "company_name": "Rossi S.r.l.", "address": "Corso Italia 5", "nation": "IT",
    "city": "Milano", "province": "MI", "postal_code": "20121", "phone": "",
    "email": "amministrazione@rossi.example", "password1": PASSWORD, "password2": PASSWORD,
    "privacy": "on",
}
PERSON_CF = "RSSMRA80E12H501I"
COMPANY_CF = "12345670017"  # a valid partita IVA


def url(name: str, organization, *args) -> str:
    return reverse(name, args=[organization.slug, *args])


def start(client, organization, fiscal_code=PERSON_CF):
    return client.post(url("accounts:register", organization), {"fiscal_code": fiscal_code})


def register(client, organization, fiscal_code=PERSON_CF, **overrides):
    start(client, organization, fiscal_code)
    data = dict(COMPANY if len(fiscal_code) == 11 else PERSON)
    data.update(overrides)
    return client.post(url("accounts:register_details", organization), data)


def emails_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to=address).order_by("pk"))


def link_in(email: OutgoingEmail, fragment: str) -> str:
    """The path of the first link containing ``fragment`` in the text body."""
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(fragment) + r"\S*)", email.body_text)
    assert match, email.body_text
    return match.group(1)


@pytest.fixture
def registered(client, organization):
    """A natural person who registered and has not activated yet."""
    from accounts.models import User

    register(client, organization)
    return User.objects.get(email=PERSON["email"])


@pytest.fixture
def activate(client):
    def follow(email_address: str) -> None:
        [email] = [e for e in emails_to(email_address) if "/attiva/" in e.body_text][-1:]
        path = link_in(email, "/attiva/")
        response = client.post(path, {"password": PASSWORD})
        assert "Utenza attivata" in response.content.decode()

    return follow
