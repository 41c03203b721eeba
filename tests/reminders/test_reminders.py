"""Email reminders: the dates, once only, stopping when paid or cancelled, followers,
unsubscribe, unreachable positions, the signal App IO listens to, and the dry run."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from mail.models import OutgoingEmail
from positions import editing
from positions.models import PaymentOption, PositionClaim
from positions.services import OptionSpec
from reminders import optout, sending
from reminders.models import Reminder, ReminderOptOut, ReminderPolicy
from reminders.signals import reminder_due

pytestmark = pytest.mark.django_db

DUE = date(2026, 12, 20)


@pytest.fixture
def policy(service):
    return ReminderPolicy.objects.create(service=service, enabled=True)


@pytest.fixture
def position(make_position, debtor, policy):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    return make_position(installments=[OptionSpec(2200, DUE)])


def sent_to() -> list[str]:
    return sorted(OutgoingEmail.objects.values_list("to", flat=True))


@pytest.mark.parametrize(("day", "kind"), [
    (DUE - timedelta(days=8), None),
    (DUE - timedelta(days=7), "before"),
    (DUE - timedelta(days=1), "before"),
    (DUE, None),
    (DUE + timedelta(days=1), "after"),
    (DUE + timedelta(days=7), "after"),
    (DUE + timedelta(days=8), None),
])
def test_the_days_a_reminder_goes(position, day, kind):
    sending.send(day)
    assert list(Reminder.objects.values_list("kind", flat=True)) == ([kind] if kind else [])
    assert sent_to() == (["mario.rossi@example.it"] if kind else [])


def test_never_twice_for_the_same_option_kind_and_date(position):
    for day in range(7, 0, -1):
        sending.send(DUE - timedelta(days=day))
    sending.send(DUE + timedelta(days=1))
    sending.send(DUE + timedelta(days=2))
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["after", "before"]
    assert OutgoingEmail.objects.count() == 2


def test_a_moved_due_date_is_reminded_again(position, django_user_model):
    sending.send(DUE - timedelta(days=3))
    staff = django_user_model.objects.create_user("op@comune.example", "Password-lunga-123")
    option = position.options.get()
    new_due = DUE + timedelta(days=30)
    editing.update_position(position, expected_version=position.version, actor=staff,
                            causale=position.causale,
                            external_reference=position.external_reference,
                            switch_to_expired=False,
                            options={option.pk: OptionSpec(2200, new_due)})
    sending.send(new_due - timedelta(days=3))
    assert sorted(Reminder.objects.values_list("due_date", flat=True)) == [DUE, new_due]
    assert option.pk == position.options.get().pk


def test_the_policy_decides(position, policy):
    policy.days_before, policy.day_after = 3, False
    policy.save()
    sending.send(DUE - timedelta(days=5))
    sending.send(DUE + timedelta(days=1))
    assert not Reminder.objects.exists()
    sending.send(DUE - timedelta(days=3))
    assert Reminder.objects.get().kind == "before"
    policy.enabled = False
    policy.save()
    Reminder.objects.all().delete()
    sending.send(DUE - timedelta(days=3))
    assert not Reminder.objects.exists()


def test_a_service_without_policy_sends_nothing(make_position, debtor):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    make_position(installments=[OptionSpec(2200, DUE)])
    sending.send(DUE - timedelta(days=1))
    assert not OutgoingEmail.objects.exists()


def test_stops_when_paid(position):
    option = position.options.get()
    option.mark_paid()
    sending.send(DUE - timedelta(days=1))
    sending.send(DUE + timedelta(days=1))
    assert not Reminder.objects.exists() and not OutgoingEmail.objects.exists()


def test_stops_when_cancelled(position, django_user_model):
    staff = django_user_model.objects.create_user("op@comune.example", "Password-lunga-123")
    editing.cancel_position(position, expected_version=position.version,
                            reason="Errore di emissione", actor=staff)
    sending.send(DUE - timedelta(days=1))
    assert not Reminder.objects.exists()


def test_stops_for_the_plan_not_chosen(make_position, debtor, policy):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    position = make_position(installments=[
        OptionSpec(2200, DUE),
        OptionSpec(1100, DUE, installment_number=1, plan=1),
        OptionSpec(1100, DUE + timedelta(days=30), installment_number=2, plan=1)])
    first = position.options.get(plan=1, installment_number=1)
    first.mark_paid()
    sending.send(DUE + timedelta(days=23))
    reminded = set(Reminder.objects.values_list("option__plan", "option__installment_number"))
    assert reminded == {(1, 2)}  # the single payment is superseded, installment 1 paid


def test_installments_due_together_are_one_email(make_position, debtor, policy):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    make_position(installments=[
        OptionSpec(2200, DUE),
        OptionSpec(1100, DUE, installment_number=1, plan=1),
        OptionSpec(1100, DUE + timedelta(days=30), installment_number=2, plan=1)])
    sending.send(DUE - timedelta(days=2))
    assert Reminder.objects.count() == 2
    assert OutgoingEmail.objects.count() == 1


def test_followers_with_an_active_account_get_it(position, payer, django_user_model):
    PositionClaim.objects.create(user=payer, position=position, source="search")
    pending = django_user_model.objects.create_user("nuovo@example.it", "Password-lunga-123",
                                                    awaiting_activation=True)
    PositionClaim.objects.create(user=pending, position=position, source="search")
    sending.send(DUE - timedelta(days=1))
    # the payer's address is the debtor's: one email; the unactivated account gets none
    assert sent_to() == ["mario.rossi@example.it"]


def test_a_follower_with_another_address_gets_their_own_email(position, payer):
    payer.email = "seguace@example.it"
    payer.save()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    sending.send(DUE - timedelta(days=1))
    assert sent_to() == ["mario.rossi@example.it", "seguace@example.it"]
    bodies = {e.to: e.body_text for e in OutgoingEmail.objects.all()}
    # each email's unsubscribe link names its own address only
    for address, body in bodies.items():
        token = re.search(r"/promemoria/disiscriviti/([^/\s]+)/", body).group(1)
        assert optout.email_from_token(position.organization, token) == address


def test_the_email_carries_the_pay_link_and_the_unsubscribe_link(position, settings,
                                                                  client):
    settings.SITE_URL = "https://pagamenti.comune.example"
    sending.send(DUE - timedelta(days=7))
    email = OutgoingEmail.objects.get()
    assert email.subject.startswith("Promemoria: pagamento in scadenza il 20/12/2026")
    assert "Comune di Prova" in email.subject
    option = position.options.get()
    for body in (email.body_text, email.body_html):
        assert option.notice_number in body and "22,00" in body
        assert "https://pagamenti.comune.example/comune-di-prova/paga/" in body
        assert "/comune-di-prova/promemoria/disiscriviti/" in body
    link = re.search(r"https://pagamenti\.comune\.example(/comune-di-prova/paga/\S+/)",
                     email.body_text).group(1)
    assert "Trasporto scolastico" in client.get(link).content.decode()


def test_unsubscribe_asks_on_get_and_acts_on_post(position, client):
    token = optout.token_for(position.organization, "Mario.Rossi@example.it")
    path = reverse("reminders:unsubscribe", args=[position.organization.slug, token])
    page = client.get(path)
    assert page.status_code == 200 and "m***@example.it" in page.content.decode()
    assert not ReminderOptOut.objects.exists()  # a mail scanner's GET changes nothing
    done = client.post(path)
    assert "non riceverà più promemoria" in done.content.decode()
    client.post(path)  # twice is harmless
    assert ReminderOptOut.objects.get().email == "mario.rossi@example.it"
    sending.send(DUE - timedelta(days=1))
    assert not OutgoingEmail.objects.exists()
    # no address left: recorded once, listed for staff, not retried
    assert Reminder.objects.get().outcome == Reminder.Outcome.UNREACHABLE
    assert list(sending.unreachable_by_email(position.organization)) == [position]


def test_a_forged_or_foreign_unsubscribe_token_does_nothing(position, client,
                                                           other_organization):
    token = optout.token_for(other_organization, "mario.rossi@example.it")
    for ente, tok in ((position.organization.slug, token),
                      (position.organization.slug, token[:-2] + "xx")):
        response = client.post(reverse("reminders:unsubscribe", args=[ente, tok]))
        assert response.status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_unreachable_positions_are_recorded_once_and_listed(make_position, policy,
                                                            organization):
    position = make_position(installments=[OptionSpec(2200, DUE)])  # debtor without email
    for day in range(7, 0, -1):
        sending.send(DUE - timedelta(days=day))
    reminder = Reminder.objects.get()
    assert reminder.outcome == Reminder.Outcome.UNREACHABLE and reminder.recipients == 0
    assert list(sending.unreachable_by_email(organization)) == [position]
    # an address added later: the next reminder goes, and the position leaves the list
    position.debtor.email = "trovato@example.it"
    position.debtor.save()
    sending.send(DUE + timedelta(days=1))
    assert sent_to() == ["trovato@example.it"]
    assert not sending.unreachable_by_email(organization).exists()


def test_the_signal_is_sent_inside_the_transaction(position):
    seen = []

    def receiver(sender, position, option, kind, due_date, **kwargs):
        from django.db import connection

        seen.append((position.pk, option.pk, kind, due_date, connection.in_atomic_block,
                     Reminder.objects.filter(option=option, kind=kind).exists()))

    reminder_due.connect(receiver)
    try:
        sending.send(DUE - timedelta(days=2))
        sending.send(DUE - timedelta(days=1))
    finally:
        reminder_due.disconnect(receiver)
    option = position.options.get()
    assert seen == [(position.pk, option.pk, "before", DUE, True, True)]


def test_dry_run_lists_and_sends_nothing(position, capsys):
    call_command("send_reminders", "--dry-run", "--date", (DUE - timedelta(days=7)).isoformat())
    out = capsys.readouterr().out
    assert f"position {position.pk}\tbefore\tdue 2026-12-20\t22,00 EUR" in out
    assert "mario.rossi@example.it" in out and "1 reminders would go out" in out
    assert not Reminder.objects.exists() and not OutgoingEmail.objects.exists()
    call_command("send_reminders", "--date", (DUE - timedelta(days=7)).isoformat())
    assert Reminder.objects.count() == 1 and OutgoingEmail.objects.count() == 1
    call_command("send_reminders", "--dry-run", "--date", (DUE - timedelta(days=6)).isoformat())
    assert "0 reminders would go out" in capsys.readouterr().out


def test_a_bad_date_is_a_clear_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--dry-run", "--date", "20/12/2026")


def test_the_job_is_scheduled(settings):
    from scheduling.schedule import COMMANDS, configured

    assert COMMANDS["send_reminders"] == ("send_reminders",)
    assert configured()["send_reminders"] == 3600


def test_expired_options_are_not_reminded(position):
    option = position.options.get()
    option.expire()
    sending.send(DUE + timedelta(days=1))
    assert not Reminder.objects.exists()
    assert PaymentOption.objects.get().status == "expired"


def test_staff_see_the_reminders_on_the_position(position, client):
    from tests.backoffice.conftest import login_staff, make_staff

    sending.send(DUE - timedelta(days=7))
    login_staff(client, make_staff(position.organization, "op@example.it"))
    page = client.get(reverse("backoffice:position", args=[position.organization.slug,
                                                            position.pk])).content.decode()
    assert "prima della scadenza 20/12/2026 · email in coda" in page
