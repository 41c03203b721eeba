"""The bulk writer (positions.bulk): the staff's rules, idempotent by reference, updates
through the editing rules, conflicts on what is closed, all or nothing, one IUV block and
one event per batch, ACA scheduled for every new option, audited."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from payments.models import AcaPush, Activation
from positions import bulk, events, services
from positions.bulk import PositionSpec, upsert_positions
from positions.editing import DebtorSpec
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from positions.services import OptionSpec, TransferSpec

DUE = date.today() + timedelta(days=30)
CODES = ["RSSMRA80E12H501I", "VRDGPP70A01F205V", "BNCLRA85M41L219R", "02116970399"]


def spec(service, reference="TARI-1", amount=12000, code=CODES[0], options=None, **kw):
    return PositionSpec(
        reference=reference, debtor=DebtorSpec(code, kw.pop("name", "Mario Rossi"),
                                               **kw.pop("debtor", {})),
        service=service, causale=kw.pop("causale", "TARI 2026"),
        options=options if options is not None else [OptionSpec(amount, DUE)], **kw)


def rates(*amounts):
    return [OptionSpec(a, DUE + timedelta(days=30 * i), installment_number=i)
            for i, a in enumerate(amounts, start=1)]


def outcomes(results):
    return [r.outcome for r in results]


def test_creates_positions_options_transfers_and_debtors(organization, service):
    results = upsert_positions(organization, [
        spec(service, "A", code=CODES[0]),
        spec(service, "B", code=CODES[1], options=rates(4000, 4000, 4000)),
        spec(service, "C", code=CODES[3], options=[OptionSpec(
            10000, DUE, transfers=[TransferSpec(7000), TransferSpec(
                3000, iban="IT70B0306909606100000000123",
                beneficiary_fiscal_code="09876540023")])]),
    ], all_or_nothing=True)
    assert outcomes(results) == ["created"] * 3
    b = PaymentPosition.objects.get(pk=results[1].position_id)
    assert b.external_reference == "B" and b.origin == PaymentPosition.Origin.ENTE
    assert [o.description for o in b.options.order_by("installment_number")] == [
        f"TARI 2026 – rata {n} di 3" for n in (1, 2, 3)]
    c = PaymentPosition.objects.get(pk=results[2].position_id)
    assert c.debtor.entity_type == Debtor.EntityType.LEGAL
    transfers = list(c.options.get().transfers.order_by("index"))
    assert [t.iban for t in transfers] == [organization.iban, "IT70B0306909606100000000123"]
    assert transfers[0].taxonomy_code == service.taxonomy_code
    iuvs = list(PaymentOption.objects.values_list("iuv", flat=True))
    assert len(set(iuvs)) == 5


def test_the_same_list_twice_creates_nothing_new(organization, service):
    specs = [spec(service, f"R-{i}", code=CODES[i % 3]) for i in range(5)]
    upsert_positions(organization, specs)
    before = (PaymentPosition.objects.count(), PaymentOption.objects.count(),
              Debtor.objects.count())
    again = upsert_positions(organization, specs)
    assert outcomes(again) == ["unchanged"] * 5
    assert all(r.position_id for r in again)
    assert (PaymentPosition.objects.count(), PaymentOption.objects.count(),
            Debtor.objects.count()) == before


def test_an_unchanged_list_is_compared_in_one_read_of_its_positions(organization, service):
    specs = [spec(service, "A", options=rates(100, 200)), spec(service, "B", options=[
        OptionSpec(10000, DUE, transfers=[TransferSpec(7000), TransferSpec(
            3000, iban="IT70B0306909606100000000123")])])]
    created = upsert_positions(organization, specs)
    with CaptureQueriesContext(connection) as queries:
        again = upsert_positions(organization, specs)
    assert outcomes(again) == ["unchanged"] * 2
    assert [r.position_id for r in again] == [r.position_id for r in created]
    # Positions, options and transfers as plain rows of one join (a file imported again
    # is mostly unchanged), not three reads building model instances.
    reads = [q["sql"] for q in queries if "positions_paymentoption" in q["sql"]]
    assert len(reads) == 1 and "positions_transfer" in reads[0]


def test_a_changed_amount_on_an_unpaid_position_updates_it_audited(organization, service):
    (first,) = upsert_positions(organization, [spec(service, amount=12000)])
    (second,) = upsert_positions(organization, [spec(service, amount=15000)])
    assert second.outcome == "updated" and second.position_id == first.position_id
    option = PaymentOption.objects.get(position_id=first.position_id)
    assert option.amount_cents == 15000
    assert option.transfers.get().amount_cents == 15000
    assert AuditEntry.objects.filter(action="position.updated",
                                     position_id=first.position_id).exists()
    assert AcaPush.objects.get(option=option).status == AcaPush.Status.PENDING


def test_a_changed_amount_on_a_paid_position_is_a_conflict(organization, service):
    (first,) = upsert_positions(organization, [spec(service, amount=12000)])
    option = PaymentOption.objects.get(position_id=first.position_id)
    option.mark_paid()
    (again,) = upsert_positions(organization, [spec(service, amount=12000)],
                                all_or_nothing=False)
    assert again.outcome == "unchanged"
    (changed,) = upsert_positions(organization, [spec(service, amount=15000)],
                                  all_or_nothing=False)
    assert changed.outcome == "conflict"
    assert "sola lettura" in " ".join(changed.errors)
    option.refresh_from_db()
    assert option.amount_cents == 12000


def test_a_payment_in_progress_is_a_conflict(organization, service):
    (first,) = upsert_positions(organization, [spec(service, amount=12000)])
    option = PaymentOption.objects.get(position_id=first.position_id)
    Activation.objects.create(organization=organization, option=option)
    (changed,) = upsert_positions(organization, [spec(service, amount=15000)],
                                  all_or_nothing=False)
    assert changed.outcome == "conflict"
    assert "in corso" in " ".join(changed.errors)


def test_another_shape_is_a_conflict(organization, service):
    upsert_positions(organization, [spec(service)])
    (other,) = upsert_positions(organization, [spec(service, options=rates(100, 200))],
                                all_or_nothing=False)
    assert other.outcome == "conflict"
    (debtor,) = upsert_positions(organization, [spec(service, code=CODES[1])],
                                 all_or_nothing=False)
    assert debtor.outcome == "conflict"


def test_the_rules_of_staff_apply_with_italian_messages(organization, service,
                                                        other_organization):
    from catalog.models import Service

    foreign = Service.objects.create(organization=other_organization, code="x", name="X",
                                     taxonomy_code="9/0106104SP/")
    bad = [
        spec(service, "1", code="RSSMRA80E12H501X"),
        spec(service, "2", code="12345678901"),
        spec(service, "3", options=[OptionSpec(100, DUE, transfers=[TransferSpec(50)])]),
        spec(service, "4", options=[OptionSpec(600, DUE, transfers=[TransferSpec(100)] * 6)]),
        spec(service, "5", options=[OptionSpec(100, DUE, transfers=[
            TransferSpec(100, iban="IT00X0542811101000000123456")])]),
        spec(foreign, "6"),
        spec(service, "7", options=[OptionSpec(100, date.today() - timedelta(days=1))]),
        spec(service, "", causale=""),
        spec(service, "9", debtor={"entity_type": "X"}),
        spec(service, "9"),
    ]
    results = upsert_positions(organization, bad, all_or_nothing=False)
    assert outcomes(results) == ["invalid"] * 9 + ["invalid"]
    text = [" ".join(r.errors) for r in results]
    assert "carattere di controllo" in text[0]
    assert "cifra di controllo" in text[1]
    assert "somma dei trasferimenti" in text[2]
    assert "al massimo 5 trasferimenti" in text[3]
    assert "IBAN" in text[4]
    assert "non è di questo Ente" in text[5]
    assert "passato" in text[6]
    assert "riferimento" in text[7] and "causale" in text[7]
    assert "tipo" in text[8]
    assert "Riferimento ripetuto" in text[9]
    assert not PaymentPosition.objects.exists()


def test_all_or_nothing_writes_nothing_when_one_item_is_wrong(organization, service):
    results = upsert_positions(organization, [
        spec(service, "A"), spec(service, "B", code="RSSMRA80E12H501X")])
    assert outcomes(results) == ["rejected", "invalid"]
    assert not PaymentPosition.objects.exists()


def test_all_or_nothing_rolls_back_a_conflict_found_late(organization, service):
    (first,) = upsert_positions(organization, [spec(service, "A")])
    PaymentOption.objects.get(position_id=first.position_id).mark_paid()
    results = upsert_positions(organization, [
        spec(service, "B"), spec(service, "A", amount=1)], batch_size=1)
    assert outcomes(results) == ["rejected", "conflict"]
    assert not PaymentPosition.objects.filter(external_reference="B").exists()


def test_a_failure_mid_batch_writes_nothing(organization, service, monkeypatch):
    calls = []

    def fail(sender, **kwargs):
        calls.append(kwargs["position_ids"])
        if len(calls) == 2:
            raise RuntimeError("injected")

    events.positions_created.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError):
            upsert_positions(organization, [spec(service, f"R{i}") for i in range(4)],
                             batch_size=2)
    finally:
        events.positions_created.disconnect(dispatch_uid="test.fail")
    assert not PaymentPosition.objects.exists()
    assert not Debtor.objects.exists()


def test_per_item_mode_writes_the_valid_ones(organization, service):
    results = upsert_positions(organization, [
        spec(service, "A"), spec(service, "B", code="RSSMRA80E12H501X"), spec(service, "C")],
        all_or_nothing=False, batch_size=2)
    assert outcomes(results) == ["created", "invalid", "created"]
    assert set(PaymentPosition.objects.values_list("external_reference", flat=True)) == {
        "A", "C"}


def test_dry_run_writes_nothing_but_says_what_would_happen(organization, service):
    upsert_positions(organization, [spec(service, "A")])
    results = upsert_positions(organization, [spec(service, "A"), spec(service, "B"),
                                              spec(service, "A2", amount=1)], dry_run=True,
                               all_or_nothing=False)
    assert outcomes(results) == ["unchanged", "created", "created"]
    assert PaymentPosition.objects.count() == 1


def test_one_event_and_one_iuv_block_per_batch(organization, service, monkeypatch):
    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs)

    reserved = []
    original = type(organization).reserve_iuv_bases

    def spy(self, count=1):
        reserved.append(count)
        return original(self, count)

    monkeypatch.setattr(type(organization), "reserve_iuv_bases", spy)
    events.positions_created.connect(listen, dispatch_uid="test.listen")
    try:
        results = upsert_positions(
            organization, [spec(service, f"R{i}", options=rates(100, 200)) for i in range(5)],
            batch_size=3)
    finally:
        events.positions_created.disconnect(dispatch_uid="test.listen")
    assert [len(s["position_ids"]) for s in sent] == [3, 2]
    assert sent[0]["origin"] == PaymentPosition.Origin.ENTE
    assert sorted(i for s in sent for i in s["position_ids"]) == sorted(
        r.position_id for r in results)
    assert reserved == [6, 4]


def test_aca_is_scheduled_for_every_new_option(organization, service):
    results = upsert_positions(organization, [
        spec(service, "A", options=rates(100, 200, 300)), spec(service, "B")])
    options = PaymentOption.objects.filter(
        position_id__in=[r.position_id for r in results])
    assert options.count() == 4
    assert AcaPush.objects.filter(option__in=options).count() == 4


def test_one_audit_entry_per_position_and_debtor_changes_audited(organization, service,
                                                                 django_user_model):
    staff = django_user_model.objects.create_user("op@example.it", "Password-lunga-123")
    Debtor.objects.create(organization=organization, fiscal_code=CODES[0],
                          full_name="Mario Rossi")
    results = upsert_positions(organization, [
        spec(service, "A", debtor={"address": "Via Roma 1"}), spec(service, "B")],
        actor=staff, source="api")
    entries = AuditEntry.objects.filter(action="position.imported")
    assert sorted(e.position_id for e in entries) == sorted(r.position_id for r in results)
    assert {e.actor_id for e in entries} == {staff.pk}
    assert {e.data["source"] for e in entries} == {"api"}
    assert Debtor.objects.get(fiscal_code=CODES[0]).address == "Via Roma 1"
    assert AuditEntry.objects.filter(action="debtor.updated").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_of_one_reference_create_one_position(organization, service):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    found: list[list[str]] = []

    def work() -> None:
        try:
            barrier.wait()
            found.append(outcomes(upsert_positions(
                organization, [spec(service, f"SAME-{i}") for i in range(20)])))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert PaymentPosition.objects.count() == 20
    assert sorted(found) == sorted(
        [["created"] * 20] + [["unchanged"] * 20] * (workers - 1))


def test_batch_size_constant_is_sane():
    assert bulk.BATCH_SIZE >= 100


def test_rows_written_have_the_models_own_defaults_and_reprs(organization, service):
    """On PostgreSQL the rows go to COPY as tuples, without model instances: what the
    models would have filled (defaults, timestamps, str(), the transfers' blanks) must
    be there all the same."""
    (result,) = upsert_positions(organization, [spec(service, "A", options=rates(700, 800))])
    position = PaymentPosition.objects.get(pk=result.position_id)
    assert (position.status, position.version, position.field_values) == (
        PaymentPosition.Status.VALID, 0, [])
    assert position.created_at is not None and position.updated_at is not None
    assert position.note == "" and not position.switch_to_expired
    options = list(position.options.order_by("installment_number"))
    assert [(o.status, o.paid_at) for o in options] == [
        (PaymentOption.Status.UNPAID, None)] * 2
    assert all(o.status_changed_at is not None for o in options)
    assert [o.notice_number[1:] for o in options] == [o.iuv for o in options]
    for option in options:
        (transfer,) = option.transfers.all()
        expected = services.build_transfers(position, option,
                                            [TransferSpec(option.amount_cents)])[0]
        assert [getattr(transfer, f.attname) for f in Transfer._meta.concrete_fields
                if not f.primary_key] == [getattr(expected, f.attname) for f in
                                          Transfer._meta.concrete_fields if not f.primary_key]
    entry = AuditEntry.objects.get(action="position.imported")
    assert entry.object_repr == str(position) and entry.created_at is not None
    assert entry.data == {"source": "import", "reference": "A", "options": 2}
