"""What a message says stays within IO's limits and never turns the Ente's text into
markdown; nothing leaves for a change that rolled back; the sandbox's key command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from appio import content
from appio.models import IoMessage
from organizations.models import Organization
from sandbox.models import IoMessage as InboxMessage
from sandbox.models import IoProfile, IoService


def test_long_names_fit_the_subject_and_the_causale_is_escaped(make_position, organization):
    Organization.objects.filter(pk=organization.pk).update(name="Comune " + "X" * 93)
    position = make_position(causale="TARI *2026* [vedi](javascript:alert(1)) <b>")
    position.refresh_from_db()
    for kind, reminder in (("created", ""), ("changed", ""), ("reminder", "before"),
                           ("reminder", "after")):
        message = content.build(kind, position, position.options.get(),
                                "https://example.it/p/", reminder=reminder)
        body = message.to_json()  # validated against IO's limits
        assert 10 <= len(body["content"]["subject"]) <= 120
        assert "\\*2026\\*" in message.markdown and "\\[vedi\\]\\(javascript" in message.markdown
        assert "\\<b\\>" in message.markdown
        assert "[Apri e paga l’avviso](https://example.it/p/)" in message.markdown


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_position_sends_nothing(io_site, io_config, citizen, make_position):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_position()
        raise RuntimeError
    assert not IoMessage.objects.exists() and not InboxMessage.objects.exists()


def test_sandbox_io_command_registers_a_key_and_citizens(db):
    call_command("sandbox_io", "--service-key", "chiave-di-prova-0001", "--ente", "80000120016",
                 "--profile", "RSSMRA80E12H501I", "--block", "VRDLGU75C10F205X")
    call_command("sandbox_io", "--service-key", "chiave-di-prova-0001", "--ente", "80000120016")
    service = IoService.objects.get()
    assert service.organization_fiscal_code == "80000120016"
    assert IoProfile.objects.count() == 2
    assert list(service.blocked_by.values_list("fiscal_code", flat=True)) == [
        "VRDLGU75C10F205X"]
