"""From the models to NoticeInfo: only what is payable, the Ente's data, constant queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from documents.builders import (
    NothingPayable,
    for_notices,
    notice_info_for,
    notice_subject,
)
from positions.models import PaymentPosition
from positions.services import OptionSpec

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 102, 204)).save(out, format="PNG")
    return out.getvalue()


def rates(*amounts: int, single: int | None = None) -> list[OptionSpec]:
    specs = [OptionSpec(a, date(2030, 1 + i, 15), installment_number=i + 1)
             for i, a in enumerate(amounts)]
    if single is not None:
        specs.insert(0, OptionSpec(single, date(2030, 1, 15)))
    return specs


def test_single_payment_from_the_models(make_position, organization, debtor):
    debtor.address, debtor.postal_code, debtor.city, debtor.province = (
        "Via Roma 10", "00184", "Roma", "rm")
    debtor.save()
    organization.sector, organization.cbill_code = "Servizi scolastici", "A1B2C"
    organization.save()
    position = make_position()
    option = position.options.get()
    info = notice_info_for(position)
    assert info.subject == "Trasporto scolastico mese di Settembre"
    assert info.ente.fiscal_code == "80000120016"
    assert info.ente.name == "Comune di Prova" and info.ente.sector == "Servizi scolastici"
    assert info.ente.cbill == "A1B2C" and info.ente.postal_account is None
    assert info.debtor.fiscal_code == "RSSMRA80E12H501I"
    assert info.debtor.address_lines == ("Via Roma 10", "00184 Roma (RM)")
    assert info.single_payment.notice_number == option.notice_number
    assert info.single_payment.amount_cents == 2200
    assert info.single_payment.due_date == option.due_date
    assert info.installments == ()


def test_installments_and_paid_ones_left_out(make_position):
    position = make_position(installments=rates(1000, 1100, 1200))
    first = position.options.get(installment_number=1)
    first.mark_paid()
    info = notice_info_for(position)
    assert info.single_payment is None
    assert [i.amount_cents for i in info.installments] == [1100, 1200]
    assert [i.label for i in info.installments] == ["Rata 2", "Rata 3"]


def test_single_payment_and_installments(make_position):
    position = make_position(installments=rates(1000, 1100, single=2100))
    info = notice_info_for(position)
    assert info.single_payment.amount_cents == 2100
    assert len(info.installments) == 2


def test_a_lone_remaining_installment_is_printed_as_the_payment(make_position):
    position = make_position(installments=rates(1000, 1100))
    position.options.get(installment_number=1).mark_paid()
    info = notice_info_for(position)
    assert info.installments == ()
    assert info.single_payment.amount_cents == 1100
    assert info.single_payment.label == "Rata 2"


def test_nothing_payable_no_notice(make_position):
    position = make_position()
    position.options.get().mark_paid()
    with pytest.raises(NothingPayable):
        notice_info_for(position)


@pytest.mark.parametrize("causale", ["Breve", "x" * 90, "parola " * 20, "y" * 140])
def test_subject_at_most_90_characters(causale):
    subject = notice_subject(causale)
    assert 0 < len(subject) <= 90
    if len(causale.strip()) <= 90:
        assert subject == causale.strip()
    else:
        assert subject.endswith("…")


def test_long_causale_still_gives_a_notice(make_position):
    position = make_position(causale="Canone " * 20)
    assert len(notice_info_for(position).subject) <= 90


POSTAL_IBAN = "IT59Z0760103200000016302093"  # Poste (ABI 07601), account 000016302093


def test_png_logo_and_postal_account(make_position, organization, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organization.logo.save("logo.png", ContentFile(_png()), save=False)
    organization.postal_iban = "it59 z076 0103 2000 0001 6302 093"
    organization.postal_account_holder = "Comune di Prova - Tesoreria"
    organization.postal_authorization = "AUT/2024/1"
    organization.save()
    info = notice_info_for(make_position())
    assert info.ente.logo_png == _png()
    account = info.ente.postal_account
    assert (account.number, account.holder, account.authorisation_code) == (
        "000016302093", "Comune di Prova - Tesoreria", "AUT/2024/1")


@pytest.mark.parametrize(("iban", "number"), [
    (POSTAL_IBAN, "000016302093"), ("", None), ("DE89370400440532013000", None),
    ("IT59Z07601032000000163020", None),
])
def test_the_bollettino_only_with_a_postal_iban(make_position, organization, iban, number):
    position = make_position()
    # update(): a bad IBAN can no longer be saved, but one stored earlier prints nothing.
    type(organization).objects.filter(pk=organization.pk).update(
        postal_iban=iban, postal_account_holder="")
    position = PaymentPosition.objects.get(pk=position.pk)
    account = notice_info_for(position).ente.postal_account
    if number is None:
        assert account is None
    else:
        assert account.number == number and account.holder == organization.name


def test_the_other_plan_is_not_printed_once_one_is_being_paid(make_position):
    """SANP: the single payment and the installment plan are alternatives. Both print
    while nothing is paid; once installment 1 is paid the single payment is superseded."""
    position = make_position(causale="TARI 2026",
                             installments=rates(4000, 4000, 4000, single=12000))
    before = notice_info_for(position)
    assert before.single_payment.amount_cents == 12000
    assert [i.description for i in before.installments] == [
        "TARI 2026 – rata 1 di 3", "TARI 2026 – rata 2 di 3", "TARI 2026 – rata 3 di 3"]
    position.options.get(installment_number=1).mark_paid()
    after = notice_info_for(PaymentPosition.objects.get(pk=position.pk))
    assert after.single_payment is None
    assert [i.label for i in after.installments] == ["Rata 2", "Rata 3"]
    assert {o.status for o in position.options.filter(installment_number=None)} == {
        "superseded"}


def test_paying_the_single_payment_leaves_no_avviso(make_position):
    position = make_position(installments=rates(4000, 4000, 4000, single=12000))
    position.options.get(installment_number=None).mark_paid()
    with pytest.raises(NothingPayable):
        notice_info_for(PaymentPosition.objects.get(pk=position.pk))


def test_two_installment_plans_are_printed_as_two_groups(make_position):
    specs = [OptionSpec(9000, date(2030, 1, 15))]
    specs += [OptionSpec(3000, date(2030, 2 + i, 15), installment_number=i + 1, plan=1)
              for i in range(3)]
    specs += [OptionSpec(1500, date(2030, 2 + i, 15), installment_number=i + 1, plan=2)
              for i in range(6)]
    info = notice_info_for(make_position(installments=specs))
    assert [i.plan for i in info.installments] == [1, 1, 1, 2, 2, 2, 2, 2, 2]


def test_a_logo_that_is_not_png_is_left_out(make_position, organization, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (20, 10)).save(out, format="JPEG")
    organization.logo.save("logo.jpg", ContentFile(out.getvalue()), save=True)
    assert notice_info_for(make_position()).ente.logo_png is None


def test_query_count_does_not_grow_with_options_or_positions(
        make_position, django_assert_num_queries):
    small = make_position(reference="A")
    large = make_position(reference="B", installments=rates(100, 200, 300, 400, single=1000))
    for ids in ([small.pk], [small.pk, large.pk]):
        with django_assert_num_queries(2):
            positions = list(for_notices(PaymentPosition.objects.filter(pk__in=ids)))
            for position in positions:
                notice_info_for(position)


def test_the_pagopa_mark_only_when_the_operator_installs_it(make_position, settings, tmp_path):
    position = make_position()
    assert notice_info_for(position).pagopa_mark_png is None  # not shipped
    mark = tmp_path / "pagopa.png"
    mark.write_bytes(_png())
    settings.DOCUMENTS_PAGOPA_MARK = str(mark)
    assert notice_info_for(position).pagopa_mark_png == _png()
    mark.write_bytes(b"<svg/>")
    assert notice_info_for(position).pagopa_mark_png is None


def test_a_notice_printed_after_the_due_date_shows_todays_amount(make_position, service):
    """Attualizzazione: what verify will answer is what a newly printed avviso shows."""
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import LateRule
    service.late_rule, service.late_penalty_cents = LateRule.PENALTY, 500
    service.save()
    today = timezone.localdate()
    overdue = make_position(reference="LATE", installments=[
        OptionSpec(2200, today - timedelta(days=2))])
    on_time = make_position(reference="ONTIME", installments=[
        OptionSpec(2200, today + timedelta(days=2))])
    assert notice_info_for(overdue).single_payment.amount_cents == 2700
    assert notice_info_for(on_time).single_payment.amount_cents == 2200


def test_a_partly_paid_plan_says_what_is_left_not_a_plan_of_two(make_position):
    """Installment 1 paid: the notice prints Rata 2 and Rata 3 under "Restano da pagare 2
    rate, dalla rata 2", never "Puoi pagare in 2 rate" (a plan of two, to the reader)."""
    import pdfplumber

    from documents.avviso import render_notice

    position = make_position(causale="TARI 2026",
                             installments=rates(4000, 4000, 4000, single=12000))
    fresh = render_notice(notice_info_for(position))
    with pdfplumber.open(io.BytesIO(fresh)) as pdf:
        assert "Puoi pagare per intero o in 3 rate" in pdf.pages[0].extract_text()
    position.options.get(installment_number=1).mark_paid()
    after = render_notice(notice_info_for(PaymentPosition.objects.get(pk=position.pk)))
    with pdfplumber.open(io.BytesIO(after)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Restano da pagare 2 rate, dalla rata 2" in text
    assert "in 2 rate" not in text
    position.options.get(installment_number=2).mark_paid()
    last = render_notice(notice_info_for(PaymentPosition.objects.get(pk=position.pk)))
    with pdfplumber.open(io.BytesIO(last)) as pdf:
        text = pdf.pages[0].extract_text()
    # The last one is printed as the notice's payment, named for what it is.
    assert "TARI 2026 – rata 3 di 3" in text and " rate" not in text
