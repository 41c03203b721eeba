"""The staff's write service (positions.editing): each rule refused with an Italian
message naming the option, all or nothing, audited, concurrent edits refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from organizations.models import Organization
from payments.models import AcaPush, Activation
from positions import editing
from positions.editing import DebtorSpec, cancel_position, create_staff_position
from positions.models import Debtor, PaymentOption, PaymentPosition
from positions.services import OptionSpec, TransferSpec

TODAY = date.today()
DUE = TODAY + timedelta(days=30)
PROVINCE_IBAN = "IT70B0306909606100000000123"


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("operatore@example.it", "Password-lunga-123")


@pytest.fixture
def create(organization, service, staff):
    def make(options=None, debtor=None, **kwargs):
        return create_staff_position(
            organization=organization, service=service, actor=staff,
            debtor=debtor or DebtorSpec("rssmra80e12h501i", "Mario Rossi"),
            causale=kwargs.pop("causale", "TARI 2026"),
            options=options if options is not None else tari_options(), **kwargs)
    return make


def tari_options(single=12000, rate=4000, n=3, transfers=None):
    options = [OptionSpec(single, DUE, transfers=transfers or [])]
    options += [OptionSpec(rate, DUE + timedelta(days=30 * i), installment_number=i)
                for i in range(1, n + 1)]
    return options


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def by_key(position):
    return {(o.plan, o.installment_number): o for o in position.options.all()}


# --- create ------------------------------------------------------------------------

def test_creates_single_payment_and_installments_as_alternatives(create, staff, organization):
    position = create()
    assert sorted(by_key(position)) == [(0, None), (1, 1), (1, 2), (1, 3)]
    assert position.origin == PaymentPosition.Origin.ENTE
    debtor = position.debtor
    assert debtor.fiscal_code == "RSSMRA80E12H501I" and debtor.declared_by is None
    entry = AuditEntry.objects.get(action="position.created")
    assert entry.actor == staff and entry.position_id == position.pk
    assert entry.organization == organization
    assert len(entry.data["after"]["options"]) == 4
    assert AuditEntry.objects.filter(action="debtor.created").count() == 1


def test_debtor_found_by_codice_fiscale_in_any_case_and_kept_unique(create, debtor):
    debtor.address = "Via Roma 10"
    debtor.save()
    first = create(debtor=DebtorSpec("rssmra80e12h501i", "Mario Rossi"))
    second = create(debtor=DebtorSpec(" RSSMRA80E12H501I ", "Mario Rossi", city="Roma"))
    assert first.debtor_id == second.debtor_id == debtor.pk
    debtor.refresh_from_db()
    assert debtor.address == "Via Roma 10" and debtor.city == "Roma"
    assert Debtor.ente_records.filter(fiscal_code="RSSMRA80E12H501I").count() == 1


def test_a_malformed_codice_fiscale_is_refused(create):
    with pytest.raises(ValidationError, match="carattere di controllo"):
        create(debtor=DebtorSpec("RSSMRA80E12H501X", "Mario Rossi"))
    assert not PaymentPosition.objects.exists()


@pytest.mark.parametrize("options,expected", [
    ([OptionSpec(1000, DUE, transfers=[TransferSpec(600), TransferSpec(300)])],
     "Unica soluzione: la somma dei trasferimenti (9,00 €) deve essere uguale all'importo "
     "(10,00 €)"),
    ([OptionSpec(600, DUE, transfers=[TransferSpec(100)] * 6)], "al massimo 5 trasferimenti"),
    ([OptionSpec(1000, DUE, transfers=[TransferSpec(1000, iban="IT00X0000000000")])],
     "Unica soluzione, trasferimento 1, IBAN: L'IBAN non è valido"),
    ([OptionSpec(1000, DUE, transfers=[TransferSpec(1000, taxonomy_code="0101002")])],
     "codice tassonomia: Codice di tassonomia pagoPA non valido"),
    ([OptionSpec(1000, DUE, transfers=[TransferSpec(1000, beneficiary_fiscal_code="123")])],
     "codice fiscale beneficiario"),
    ([OptionSpec(1000, TODAY - timedelta(days=1))], "la scadenza non può essere nel passato"),
    ([OptionSpec(1000, None)], "indica la data di scadenza"),
    ([OptionSpec(1000, date(2100, 1, 1))], "troppo lontana"),
    ([OptionSpec(1000, DUE), OptionSpec(1000, DUE)], "al massimo un pagamento in unica"),
    ([OptionSpec(500, DUE, installment_number=1), OptionSpec(500, DUE, installment_number=3)],
     "numerate da 1 a 2"),
    ([OptionSpec(500, DUE + timedelta(days=9), installment_number=1),
      OptionSpec(500, DUE, installment_number=2)],
     "Rata 2: la scadenza non può precedere quella della rata precedente"),
])
def test_each_rule_is_refused_and_nothing_is_written(create, organization, options, expected):
    counter = Organization.objects.get(pk=organization.pk).next_iuv_base
    with pytest.raises(ValidationError) as exc_info:
        create(options=options)
    assert expected in messages_of(exc_info)
    assert not PaymentPosition.objects.exists() and not AuditEntry.objects.exists()
    assert Organization.objects.get(pk=organization.pk).next_iuv_base == counter


def test_transfers_to_another_beneficiary(create, organization):
    position = create(options=[OptionSpec(10000, DUE, transfers=[
        TransferSpec(9000),
        TransferSpec(1000, iban=PROVINCE_IBAN, beneficiary_fiscal_code="00514490010",
                     beneficiary_name="Provincia", taxonomy_code="9/0201102IM/")])])
    first, second = position.options.get().transfers.all()
    assert (first.iban, first.amount_cents) == (organization.iban, 9000)
    assert (second.beneficiary_fiscal_code, second.iban) == ("00514490010", PROVINCE_IBAN)


# --- update ------------------------------------------------------------------------

def test_update_changes_amount_transfers_due_date_and_pushes_to_aca(create, staff):
    position = create()
    AcaPush.objects.update(status=AcaPush.Status.DONE)
    options = by_key(position)
    single, rata1 = options[(0, None)], options[(1, 1)]
    editing.update_position(
        position, expected_version=position.version, causale="TARI 2026 (rettifica)",
        external_reference="TARI-1", switch_to_expired=False, actor=staff,
        options={single.pk: OptionSpec(13000, DUE + timedelta(days=1), transfers=[
            TransferSpec(12000), TransferSpec(1000, iban=PROVINCE_IBAN,
                                              beneficiary_fiscal_code="00514490010")]),
                 rata1.pk: OptionSpec(4500, DUE)})
    single.refresh_from_db()
    rata1.refresh_from_db()
    assert single.amount_cents == 13000
    assert [t.amount_cents for t in single.transfers.all()] == [12000, 1000]
    assert rata1.amount_cents == 4500 and rata1.transfers.get().amount_cents == 4500
    assert rata1.description == "TARI 2026 (rettifica) – rata 1 di 3"
    position.refresh_from_db()
    assert position.version == 1 and position.external_reference == "TARI-1"
    assert set(AcaPush.objects.values_list("status", flat=True)) == {AcaPush.Status.PENDING}
    entry = AuditEntry.objects.get(action="position.updated")
    assert entry.data["before"]["options"][0]["amount_cents"] == 12000
    assert entry.data["after"]["options"][0]["amount_cents"] == 13000


def test_update_refuses_transfers_that_do_not_add_up(create):
    position = create()
    single = by_key(position)[(0, None)]
    with pytest.raises(ValidationError, match="somma dei trasferimenti"):
        editing.update_position(
            position, expected_version=0, causale="TARI", external_reference="",
            switch_to_expired=False,
            options={single.pk: OptionSpec(13000, DUE, transfers=[TransferSpec(100)])})
    position.refresh_from_db()
    assert position.version == 0 and by_key(position)[(0, None)].amount_cents == 12000


def test_a_stale_version_is_refused_and_nothing_changes(create):
    position = create()
    editing.update_position(position, expected_version=0, causale="Prima",
                               external_reference="", switch_to_expired=False, options={})
    with pytest.raises(ValidationError) as exc_info:
        editing.update_position(position, expected_version=0, causale="Seconda",
                                   external_reference="", switch_to_expired=False, options={})
    assert exc_info.value.code == editing.CONCURRENT_EDIT
    assert "Un'altra persona ha modificato" in messages_of(exc_info)
    position.refresh_from_db()
    assert position.causale == "Prima" and position.version == 1


@pytest.mark.parametrize("paid", [(1, 1), (0, None)])
def test_paid_positions_are_read_only(create, paid):
    position = create()
    by_key(position)[paid].mark_paid()
    other = by_key(position)[(1, 2)]
    with pytest.raises(ValidationError, match="sola lettura"):
        editing.update_position(position, expected_version=0, causale="x",
                                   external_reference="", switch_to_expired=False,
                                   options={other.pk: OptionSpec(1, DUE)})
    with pytest.raises(ValidationError, match="sola lettura"):
        cancel_position(position, expected_version=0, reason="Errore di emissione")


def test_a_payment_in_progress_blocks_changes(create, organization):
    position = create()
    single = by_key(position)[(0, None)]
    Activation.objects.create(organization=organization, option=single)
    with pytest.raises(ValidationError) as exc_info:
        editing.update_position(position, expected_version=0, causale="x",
                                   external_reference="", switch_to_expired=False,
                                   options={single.pk: OptionSpec(100, DUE)})
    assert exc_info.value.code == editing.IN_PROGRESS
    with pytest.raises(ValidationError, match="pagamento di questa posizione è in corso"):
        cancel_position(position, expected_version=0, reason="Errore di emissione")
    assert by_key(position)[(0, None)].amount_cents == 12000


def test_an_expired_activation_no_longer_blocks(create, organization):
    position = create()
    single = by_key(position)[(0, None)]
    activation = Activation.objects.create(organization=organization, option=single)
    Activation.objects.filter(pk=activation.pk).update(
        created_at=activation.created_at - timedelta(minutes=31))
    editing.update_position(position, expected_version=0, causale="TARI 2026",
                               external_reference="", switch_to_expired=False,
                               options={single.pk: OptionSpec(100, DUE)})
    assert by_key(position)[(0, None)].amount_cents == 100


def test_update_edits_the_debtor_record(create, staff):
    position = create()
    editing.update_position(
        position, expected_version=0, causale="TARI 2026", external_reference="",
        switch_to_expired=False, options={}, actor=staff,
        debtor=DebtorSpec("RSSMRA80E12H501I", "Mario Rossi", address="Via Nuova 1"))
    position.debtor.refresh_from_db()
    assert position.debtor.address == "Via Nuova 1"
    assert AuditEntry.objects.get(action="debtor.updated").position_id == position.pk


# --- cancel and reopen -----------------------------------------------------------------

def test_cancel_needs_a_reason_and_is_final(create, staff):
    position = create()
    with pytest.raises(ValidationError, match="motivo"):
        cancel_position(position, expected_version=0, reason="  ")
    cancel_position(position, expected_version=0, reason="Emessa per errore", actor=staff)
    position.refresh_from_db()
    assert position.status == PaymentPosition.Status.CANCELLED
    assert position.cancellation_reason == "Emessa per errore"
    assert {o.status for o in position.options.all()} == {PaymentOption.Status.CANCELLED}
    entry = AuditEntry.objects.get(action="position.cancelled")
    assert entry.data["reason"] == "Emessa per errore" and entry.actor == staff
    with pytest.raises(ValidationError, match="annullata"):
        editing.reopen_position(position, expected_version=1, due_dates={})


def test_reopen_an_expired_position_with_new_due_dates(create, staff):
    position = create(options=[OptionSpec(1000, DUE)])
    option = position.options.get()
    option.expire()
    with pytest.raises(ValidationError, match="nel passato"):
        editing.reopen_position(position, expected_version=0,
                                   due_dates={option.pk: TODAY - timedelta(days=1)})
    editing.reopen_position(position, expected_version=0, actor=staff,
                               due_dates={option.pk: TODAY + timedelta(days=10)})
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID
    assert option.due_date == TODAY + timedelta(days=10)
    assert AuditEntry.objects.filter(action="position.reopened").count() == 1


def test_reopen_a_switch_to_expired_position_past_its_due_date(create, organization):
    position = create(options=[OptionSpec(1000, DUE)], switch_to_expired=True)
    option = position.options.get()
    PaymentOption.objects.filter(pk=option.pk).update(due_date=TODAY - timedelta(days=2))
    assert [o.pk for o in editing.reopenable(position)] == [option.pk]
    editing.reopen_position(position, expected_version=0,
                               due_dates={option.pk: TODAY + timedelta(days=10)})
    option.refresh_from_db()
    assert option.due_date == TODAY + timedelta(days=10)


def test_cancel_an_expired_position(create):
    position = create(options=[OptionSpec(1000, DUE)])
    position.options.get().expire()
    cancel_position(position, expected_version=0, reason="Credito inesigibile")
    position.refresh_from_db()
    assert position.status == PaymentPosition.Status.CANCELLED
