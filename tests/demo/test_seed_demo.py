"""The demo data: idempotent, valid identifiers, the manual's two examples, every state."""

import pytest
from codicefiscale import codicefiscale
from django.core.management import call_command

from organizations.models import Organization
from payments.models import Receipt
from positions.models import Debtor, PaymentOption, PaymentPosition
from sportello.validators import parse_fiscal_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="comune-di-test")


def _counts():
    return (Organization.objects.count(), PaymentPosition.objects.count(),
            PaymentOption.objects.count(), Debtor.objects.count(), Receipt.objects.count())


def test_running_it_twice_duplicates_nothing(seeded):
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before


def test_the_ente_is_configured_like_a_real_one(seeded):
    assert seeded.name == "Comune di Test" and seeded.logo
    assert seeded.broker_id and seeded.station_id and seeded.segregation_code
    assert {s.name for s in seeded.services.all()} >= {
        "Trasporto scolastico", "Pagamento Pass Disabili", "Mensa scolastica",
        "Diritti di segreteria"}
    assert seeded.services.get(name="Diritti di segreteria").spontaneous_allowed


def test_the_manual_examples_are_there(seeded):
    to_pay = PaymentPosition.objects.get(causale="Trasporto scolastico mese di Settembre")
    assert to_pay.status == PaymentPosition.Status.VALID
    assert to_pay.options.get().amount_cents == 2200
    paid = PaymentPosition.objects.get(causale="Pagamento pass 12345 del 01/01/2017")
    assert paid.status == PaymentPosition.Status.PAID
    option = paid.options.get()
    assert option.amount_cents == 100
    # paid the way production pays: through a stored, applied receipt
    assert Receipt.objects.get(option=option).applied


def test_positions_in_every_state(seeded):
    states = set(PaymentPosition.objects.values_list("status", flat=True))
    assert states == set(PaymentPosition.Status.values)


def test_demo_codici_fiscali_are_computed_from_the_people(seeded):
    for debtor in Debtor.objects.all():
        parse_fiscal_code(debtor.fiscal_code)  # raises if invalid
        if debtor.entity_type == Debtor.EntityType.NATURAL:
            first, last = debtor.full_name.split(" ", 1)
            assert debtor.fiscal_code[:3] == codicefiscale.encode_lastname(last)
            assert debtor.fiscal_code[3:6] == codicefiscale.encode_firstname(first)


def test_the_demo_is_its_own_app():
    """organizations/ sits at the bottom: the command that imports the whole stack is demo's."""
    from django.core.management import get_commands

    assert get_commands()["seed_demo"] == "demo"


def test_the_demo_payer_sees_his_positions_with_his_password(seeded, client):
    """The README's demo login: the Ente's staff verified Mario's codice fiscale, so his
    positions are listed at once (issue 10: he used to see nothing until he typed a
    codice avviso)."""
    from django.urls import reverse

    from accounts.models import User

    mario = User.objects.get(email="mario.rossi@example.it")
    assert mario.fiscal_code_verified_at(seeded)
    client.force_login(mario)
    page = client.get(reverse("positions:home", args=[seeded.slug])).content.decode()
    assert "Trasporto scolastico mese di Settembre" in page
    call_command("seed_demo", verbosity=0)  # still one verification, no error
    assert mario.fiscal_code_verifications.count() == 1


def test_the_demo_staff_and_their_roles(seeded):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organizations.models import StaffMembership

    roles = dict(StaffMembership.objects.filter(organization=seeded)
                 .values_list("user__email", "role"))
    assert roles == {"operatore@comune-di-test.example": "operatore",
                     "responsabile@comune-di-test.example": "responsabile"}
    # Without --demo-second-factor (not `make run`): they enrol their own app.
    assert not TOTPDevice.objects.exists()


def test_make_run_gives_the_demo_staff_a_second_factor_a_newcomer_can_pass(client):
    import base64

    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from demo.management.commands import seed_demo

    call_command("seed_demo", "--demo-second-factor", verbosity=0)
    call_command("seed_demo", "--demo-second-factor", verbosity=0)  # idempotent
    device = TOTPDevice.objects.get(user__email="operatore@comune-di-test.example")
    assert base64.b32encode(device.bin_key).decode() == seed_demo.DEMO_TOTP_SECRET.replace(
        " ", "")
    login = reverse("backoffice:login", args=["comune-di-test"])
    client.post(login, {"username": "operatore@comune-di-test.example",
                        "password": seed_demo.DEMO_PASSWORD})
    response = client.post(reverse("backoffice:second_factor", args=["comune-di-test"]),
                           {"code": seed_demo.DEMO_BACKUP_CODE})
    assert response["Location"] == reverse("backoffice:home", args=["comune-di-test"])
    assert client.get(response["Location"]).status_code == 200


def test_the_published_second_factor_is_refused_without_the_demo_idp(settings):
    from django.core.management.base import CommandError

    settings.DEMO_IDP_ENABLED = False
    with pytest.raises(CommandError):
        call_command("seed_demo", "--demo-second-factor", verbosity=0)


def test_a_tari_with_a_single_payment_and_three_installments(seeded):
    """Issue 11 item 1: the plans rule has a demo position, made by the staff service."""
    from audit.models import AuditEntry

    tari = PaymentPosition.objects.get(external_reference="TARI-2026-0001")
    assert tari.status == PaymentPosition.Status.VALID
    options = sorted((o.plan, o.installment_number, o.amount_cents, o.status)
                     for o in tari.options.all())
    assert options == [(0, None, 12000, "unpaid"), *((1, n, 4000, "unpaid") for n in (1, 2, 3))]
    assert AuditEntry.objects.filter(action="position.created", position_id=tari.pk).exists()
