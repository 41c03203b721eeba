"""Reminders reach App IO through the reminders' own run, and who neither IO nor email
reaches is listed for staff (not retried for ever), over HTTP to the sandbox's IO."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from appio.models import IoMessage
from appio.unreachable import unreachable
from positions.models import Debtor
from positions.services import OptionSpec
from reminders import sending as reminders
from reminders.models import ReminderPolicy
from sandbox.models import IoMessage as InboxMessage
from sandbox.models import IoProfile

pytestmark = pytest.mark.django_db(transaction=True)

DUE = date(2026, 12, 20)


def test_reminder_run_sends_on_io_and_lists_who_nobody_reaches(
        io_site, io_config, organization, service, debtor, make_position, operator_client):
    ReminderPolicy.objects.create(service=service, enabled=True)
    lost = make_position(installments=[OptionSpec(2200, DUE)])  # no email, no IO profile
    on_io = Debtor.objects.create(organization=organization, fiscal_code="VRDLGU75C10F205X",
                                  full_name="Luigi Verdi")
    IoProfile.objects.create(fiscal_code=on_io.fiscal_code)
    reached = make_position(debtor=on_io, reference="TS-2",
                            installments=[OptionSpec(3300, DUE)])
    reminders.send(DUE - timedelta(days=7))
    reminder = IoMessage.objects.get(position=reached, kind=IoMessage.Kind.REMINDER)
    assert reminder.state == IoMessage.State.SENT, reminder.error
    assert "scade a breve" in InboxMessage.objects.get(pk=reminder.io_message_id).markdown
    assert IoMessage.objects.get(position=lost, kind=IoMessage.Kind.REMINDER).state == \
        IoMessage.State.NO_PROFILE
    assert list(unreachable(organization)) == [lost]
    page = operator_client.get(f"/{organization.slug}/backoffice/irraggiungibili/")
    text = page.content.decode()
    assert page.status_code == 200 and lost.causale in text and debtor.fiscal_code in text
    assert on_io.fiscal_code not in text
    # The next days' runs record nothing new: listed, not retried for ever.
    count = IoMessage.objects.count()
    for day in range(6, 0, -1):
        reminders.send(DUE - timedelta(days=day))
    assert IoMessage.objects.count() == count
