"""Issue 9, item 4: text that would break a pagoPA message (paVerify answered
PAA_SYSTEM_ERROR for a notice whose debtor had a \\x01 in the name) is refused where it is
typed, with an Italian message, and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from catalog.models import Service, ServiceField
from positions.models import Debtor, PaymentPosition
from positions.services import OptionSpec, create_position
from sportello.validators import validate_xml_multiline_text, validate_xml_text

BAD = ["\x01", "\x00", "\x1b[31m", "\x7f", "\x85", "\ufffe", "\uffff", "\ud800", "\udfff",
       "\ufdd0", "\U0001fffe", "\U0010ffff"]


@pytest.mark.parametrize("char", BAD)
def test_control_and_non_characters_are_refused_in_italian(char):
    with pytest.raises(ValidationError) as excinfo:
        validate_xml_text(f"Mario{char}Rossi")
    assert excinfo.value.code == "xml_text"
    message = str(excinfo.value.messages[0])
    assert "carattere non ammesso" in message and "posizione 6" in message


@pytest.mark.parametrize("char", BAD)
def test_multiline_text_refuses_them_too(char):
    with pytest.raises(ValidationError):
        validate_xml_multiline_text(f"riga\n{char}")


@pytest.mark.parametrize("text", ["Mario Rossi", "Via dell'Orto, 3/B", "Citt\u00e0 d'Ant\u00f2",
                                  "€ 12,50 — «pass» n° 7", "Łódź Straße ÆØÅ", "日本", "😀"])
def test_printable_text_of_any_language_passes(text):
    validate_xml_text(text)
    validate_xml_multiline_text(text)


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_line_breaks_only_where_the_field_is_multi_line(char):
    validate_xml_multiline_text(f"prima{char}seconda")
    with pytest.raises(ValidationError):
        validate_xml_text(f"prima{char}seconda")


# --- every way in -----------------------------------------------------------------------

@pytest.fixture
def copies(organization):
    service = Service.objects.create(
        organization=organization, code="diritti-segreteria", name="Diritti di segreteria",
        taxonomy_code="9/0101005TS/", spontaneous_allowed=True,
        amount_rule=Service.AmountRule.UNIT_PRICE, unit_price_cents=250,
        amount_field="numero_copie", causale_template="Copie di {atto}")
    ServiceField.objects.create(service=service, name="atto", label="Atto richiesto",
                                max_length=60, position=0)
    ServiceField.objects.create(service=service, name="numero_copie", label="Numero di copie",
                                kind=ServiceField.Kind.NUMBER, min_value=1, max_value=50,
                                position=1)
    return service


@pytest.mark.django_db
@pytest.mark.parametrize("char", ["\x01", "\ufffe"])
def test_spontaneous_field_with_a_control_character_is_refused(client, payer, organization,
                                                                copies, char):
    client.force_login(payer)
    url = reverse("positions:spontaneous_form", args=[organization.slug, copies.code])
    response = client.post(url, {"token": "6f1c2d9e-8a5b-4c3d-9e2f-1a2b3c4d5e6f",
                                 "atto": f"pratica{char}42", "numero_copie": "3"})
    assert response.status_code == 200
    assert "carattere non ammesso" in response.content.decode()
    assert not PaymentPosition.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [
    ("first_name", "Mario\x01"), ("last_name", "Ros\ufffesi"), ("address", "Via\x0bRoma 1"),
    ("address", "Via Roma\n1"),
])
def test_profile_anagrafica_with_a_control_character_is_refused(client, payer, organization,
                                                                field, value):
    client.force_login(payer)
    data = {"first_name": "Mario", "last_name": "Rossi", "address": "Via Nuova 3",
            "nation": "IT", "city": "Torino", "province": "TO", "postal_code": "10121",
            "phone": "", field: value}
    response = client.post(reverse("accounts:profile", args=[organization.slug]), data)
    assert response.status_code == 200
    assert "carattere non ammesso" in response.content.decode()
    stored = User.objects.get(pk=payer.pk)
    assert (stored.first_name, stored.last_name, stored.address) == (
        payer.first_name, payer.last_name, payer.address)


@pytest.mark.django_db
def test_registration_with_a_control_character_is_refused(client, organization):
    from accounts.forms import RegistrationForm

    form = RegistrationForm(data={
        "first_name": "Mario", "last_name": "Rossi", "address": "Via\x01Roma 1", "nation": "IT",
        "city": "Torino", "province": "TO", "postal_code": "10121",
        "email": "nuovo@example.it", "password1": "Password-lunga-123",
        "password2": "Password-lunga-123"}, fiscal_code="RSSMRA80E12H501I")
    assert not form.is_valid()
    assert "carattere non ammesso" in str(form.errors["address"])


@pytest.mark.django_db
@pytest.mark.parametrize("causale", ["Trasporto\x01scolastico", "Mensa\ufffe"])
def test_positions_created_by_the_domain_service_refuse_them(organization, service, debtor,
                                                             causale):
    with pytest.raises(ValidationError) as excinfo:
        create_position(organization=organization, debtor=debtor, service=service,
                        causale=causale, options=[OptionSpec(2200, None)])
    assert "causale" in excinfo.value.message_dict
    assert not PaymentPosition.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["full_name", "address", "city", "province", "postal_code",
                                   "nation", "phone"])
def test_debtor_fields_validate_on_the_model(organization, field):
    debtor = Debtor(organization=organization, fiscal_code="RSSMRA80E12H501I",
                    full_name="Mario Rossi", entity_type="F")
    setattr(debtor, field, "A\x01")
    with pytest.raises(ValidationError) as excinfo:
        debtor.full_clean()
    assert field in excinfo.value.message_dict
