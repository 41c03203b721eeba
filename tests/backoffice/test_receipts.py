"""Issue 13 item 3: the Ente's receipts by payment date, service and channel with their
totals; the flagged ones as a work queue (apply after review, mark handled with a note,
each audited); the raw message for the responsabile only; another Ente's staff see 404."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import Service
from payments.models import Channel, PaymentAttempt, Receipt
from positions.models import PaymentOption
from tests.backoffice.conftest import login_staff, make_staff
from tests.payments.test_pages import make_receipt
from tests.payments.test_receipt_review import deliver, info_for

pytestmark = pytest.mark.django_db
Flag = Receipt.Flag


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


def at(day: int, hour: int = 12):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, 0))


@pytest.fixture
def other_service(organization):
    return Service.objects.create(organization=organization, code="mensa", name="Mensa",
                                  taxonomy_code="9/0101002IM/")


@pytest.fixture
def paid(make_position, other_service):
    """Four receipts: online (a cart), at a PSP, Stand-In, and one KO at a PSP."""
    online = make_position(reference="A").options.get()
    attempt = PaymentAttempt.objects.create(organization=online.organization,
                                            amount_cents=2200)
    counter = make_position(reference="B", amount_cents=1000).options.get()
    standin = make_position(reference="C", amount_cents=500,
                            service=other_service).options.get()
    ko = make_position(reference="D", amount_cents=700).options.get()
    return {
        "online": make_receipt(online, "1" * 32, attempt=attempt, payment_date_time=at(1)),
        "psp": make_receipt(counter, "2" * 32, amount_cents=1000, fee_cents=50,
                            payment_date_time=at(10)),
        "standin": make_receipt(standin, "3" * 32, amount_cents=500, stand_in=True,
                                fee_cents=None, payment_date_time=at(20)),
        "ko": make_receipt(ko, "4" * 32, amount_cents=700, outcome="KO", applied=False,
                           payment_date_time=at(10)),
    }


def test_channel_is_derived_from_what_the_receipt_stores(paid):
    channels = dict(Receipt.objects.with_channel().values_list("receipt_id", "channel"))
    assert channels == {"1" * 32: Channel.ONLINE, "2" * 32: Channel.PSP,
                        "3" * 32: Channel.STAND_IN, "4" * 32: Channel.PSP}
    assert paid["standin"].channel_value == Channel.STAND_IN


def test_list_and_totals(operator_client, organization, paid):
    response = operator_client.get(url("receipts", organization))
    assert response.status_code == 200
    totals = response.context["totals"]
    # The KO receipt is listed but moved no money.
    assert totals == {"count": 4, "collected": 2200 + 1000 + 500, "fees": 100 + 50,
                      "flagged": 0}
    page = response.content.decode()
    assert "37,00 €" in page and "Stand-In" in page


@pytest.mark.parametrize(("query", "count", "collected"), [
    ({"dal": "2026-03-05", "al": "2026-03-15"}, 2, 1000),
    ({"dal": "10/03/2026"}, 3, 1500),
    ({"canale": "online"}, 1, 2200),
    ({"canale": "psp"}, 2, 1000),
    ({"canale": "standin"}, 1, 500),
    ({"servizio": "mensa"}, 1, 500),
    ({"stato": "applied"}, 3, 3700),
])
def test_filters_and_their_totals(operator_client, organization, paid, query, count,
                                  collected):
    response = operator_client.get(url("receipts", organization), query)
    totals = response.context["totals"]
    assert (totals["count"], totals["collected"]) == (count, collected)
    assert len(response.context["page"].object_list) == count


def test_wrong_filters_keep_what_was_typed_and_say_why(operator_client, organization, paid):
    response = operator_client.get(url("receipts", organization),
                                   {"dal": "2026-03-20", "al": "2026-03-01", "canale": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "deve essere uguale o successiva" in page
    assert "Canale non valido" in page
    assert 'value="2026-03-20"' in page


def test_another_entes_receipts_are_not_there(client, organization, other_organization, paid):
    foreign = make_staff(other_organization, "altro@example.it")
    login_staff(client, foreign)
    assert client.get(url("receipts", organization)).status_code == 404
    assert client.get(url("receipt", organization, paid["psp"].pk)).status_code == 404
    # Their own list has none of ours, and our receipt is not theirs by id.
    response = client.get(url("receipts", other_organization))
    assert response.context["totals"]["count"] == 0
    assert client.get(url("receipt", other_organization, paid["psp"].pk)).status_code == 404
    assert client.post(url("receipt_handled", other_organization, paid["psp"].pk),
                       {"handled-note": "x"}).status_code == 404


def test_a_payer_gets_404(client, payer, organization, paid):
    client.force_login(payer)
    assert client.get(url("receipts", organization)).status_code == 404
    assert client.get(url("receipt", organization, paid["psp"].pk)).status_code == 404


def test_raw_xml_for_the_responsabile_only(client, organization, paid):
    receipt = paid["psp"]
    operator = make_staff(organization, "op@example.it")
    login_staff(client, operator)
    page = client.get(url("receipt", organization, receipt.pk)).content.decode()
    assert "paSendRTV2Request" not in page and "IUR" in page
    manager = make_staff(organization, "resp@example.it", "responsabile")
    login_staff(client, manager)
    page = client.get(url("receipt", organization, receipt.pk)).content.decode()
    assert "&lt;paSendRTV2Request&gt;" in page


# --- the work queue ------------------------------------------------------------------------

@pytest.fixture
def option(make_position):
    return make_position().options.get()


@pytest.fixture
def flagged(option):
    receipt = deliver(option, info_for(option, amount_cents=2000), wrong_station=True).receipt
    assert set(receipt.flags) == {Flag.WRONG_STATION, Flag.AMOUNT_MISMATCH}
    return receipt


def test_delivery_of_a_flagged_receipt_is_audited(flagged):
    entry = AuditEntry.objects.get(action="receipt.flagged")
    assert entry.object_id == str(flagged.pk) and entry.organization == flagged.organization
    assert entry.position_id == flagged.option.position_id
    assert sorted(entry.data["flags"]) == sorted(flagged.flags)


def test_an_applied_receipt_is_audited(option):
    receipt = deliver(option, info_for(option)).receipt
    assert AuditEntry.objects.get(action="receipt.applied").object_id == str(receipt.pk)


def test_queue_lists_what_needs_action(operator_client, organization, flagged, paid):
    response = operator_client.get(url("receipt_queue", organization))
    assert [r.pk for r in response.context["page"].object_list] == [flagged.pk]
    assert "Importo diverso da quello comunicato" in response.content.decode()


def test_operator_applies_after_review(operator_client, operator, organization, flagged,
                                       option):
    response = operator_client.post(url("receipt_apply", organization, flagged.pk),
                                    {"review-note": "Importo concordato con l'ufficio"},
                                    follow=True, REMOTE_ADDR="192.0.2.7")
    assert "Ricevuta applicata dopo verifica" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.applied and flagged.reviewed_by == operator
    assert flagged.review_note == "Importo concordato con l'ufficio"
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID
    entry = AuditEntry.objects.get(action="receipt.applied_after_review")
    assert entry.actor == operator and entry.organization == organization
    assert entry.ip_address == "192.0.2.7" and entry.position_id == option.position_id
    assert entry.data["note"] == "Importo concordato con l'ufficio"
    queue = operator_client.get(url("receipt_queue", organization))
    assert not queue.context["page"].object_list


def test_refused_review_says_why_and_changes_nothing(operator_client, organization, option):
    deliver(option, info_for(option, receipt_id="1" * 32))
    second = deliver(option, info_for(option, receipt_id="2" * 32)).receipt
    assert second.flags == [Flag.ALREADY_PAID]
    response = operator_client.post(url("receipt_apply", organization, second.pk),
                                    {"review-note": "prova"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "già pagato con un&#x27;altra ricevuta" in page
    assert 'prova</textarea>' in page  # what was typed is kept
    second.refresh_from_db()
    assert not second.applied and second.reviewed_at is None
    assert not AuditEntry.objects.filter(action="receipt.applied_after_review").exists()


def test_mark_handled_needs_a_note(operator_client, organization, flagged):
    response = operator_client.post(url("receipt_handled", organization, flagged.pk),
                                    {"handled-note": "  "})
    assert response.status_code == 400
    assert "Scrivi una nota" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_mark_handled(manager_client, manager, organization, flagged, option):
    response = manager_client.post(url("receipt_handled", organization, flagged.pk),
                                   {"handled-note": "Rimborso chiesto al PSP"}, follow=True)
    assert "Ricevuta segnata come gestita." in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.reviewed_by == manager and flagged.review_note == "Rimborso chiesto al PSP"
    assert not flagged.applied
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.UNPAID
    entry = AuditEntry.objects.get(action="receipt.handled")
    assert entry.actor == manager and entry.data["note"] == "Rimborso chiesto al PSP"
    # Handled once: a second time is refused, saying so.
    again = manager_client.post(url("receipt_handled", organization, flagged.pk),
                                {"handled-note": "di nuovo"})
    assert again.status_code == 400 and "già stata gestita" in again.content.decode()


def test_the_actions_answer_only_post(operator_client, organization, flagged):
    assert operator_client.get(url("receipt_apply", organization, flagged.pk)).status_code == 405


def test_the_admin_no_longer_applies_receipts(admin_client, flagged):
    page = admin_client.get(reverse("admin:payments_receipt_changelist")).content.decode()
    assert 'value="apply_after_review"' not in page and 'value="mark_reviewed"' not in page


# --- exports -------------------------------------------------------------------------------

def test_csv_export_of_the_filtered_receipts(operator_client, organization, paid, service):
    Service.objects.filter(pk=service.pk).update(accounting_chapter="3050")
    response = operator_client.get(url("receipts", organization),
                                   {"canale": "psp", "formato": "csv", "page": "2"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffData del pagamento;Codice avviso;")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == 3  # header, the PSP receipt and the KO one
    row = next(line for line in lines if paid["psp"].notice_number in ";".join(line))
    assert f'="{paid["psp"].notice_number}"' in row
    assert "10,00" in row and "3050" in row and "Sì" in row


def test_xlsx_export_and_the_queue_export(operator_client, organization, paid, flagged):
    response = operator_client.get(url("receipts", organization), {"formato": "xlsx"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    response = operator_client.get(url("receipt_queue", organization), {"formato": "csv"})
    lines = b"".join(response.streaming_content).decode().strip().split("\r\n")
    assert len(lines) == 2 and flagged.notice_number in lines[1]


def test_another_entes_staff_cannot_export(client, organization, other_organization, paid):
    login_staff(client, make_staff(other_organization, "altro@example.it"))
    assert client.get(url("receipts", organization), {"formato": "csv"}).status_code == 404
    response = client.get(url("receipts", other_organization), {"formato": "csv"})
    assert paid["psp"].notice_number not in b"".join(response.streaming_content).decode()


def test_a_handled_receipt_is_not_applied_from_a_page_left_open(operator_client, operator,
                                                                 organization, flagged,
                                                                 option):
    from payments.receipts import mark_handled

    mark_handled(flagged, operator, "Rimborso chiesto al PSP")
    response = operator_client.post(url("receipt_apply", organization, flagged.pk),
                                    {"review-note": ""})
    assert response.status_code == 400 and "già stata gestita" in response.content.decode()
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.UNPAID


def test_queue_filter_by_anomaly(operator_client, organization, flagged, make_position):
    other = make_position(reference="other").options.get()
    standin = deliver(other, info_for(other, receipt_id="s" * 32, outcome="KO")).receipt
    response = operator_client.get(url("receipt_queue", organization), {"anomalia": "amount"})
    assert [r.pk for r in response.context["page"].object_list] == [flagged.pk]
    response = operator_client.get(url("receipt_queue", organization),
                                   {"anomalia": "outcome_ko"})
    assert [r.pk for r in response.context["page"].object_list] == [standin.pk]
    page = operator_client.get(url("receipt_queue", organization), {"anomalia": "x"})
    assert "Anomalia non valida" in page.content.decode()
