"""Services as the Ente's staff define them: amount rules, fields, causale, instructions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Service, ServiceField, parse_euro_cents

pytestmark = pytest.mark.django_db


def make_service(organization, **kwargs):
    defaults = {"code": "s", "name": "Servizio", "taxonomy_code": "9/0102106TS/"}
    return Service.objects.create(organization=organization, **{**defaults, **kwargs})


def test_instructions_are_sanitised_on_save(organization):
    service = make_service(organization, instructions=(
        '<p onclick="x()">Porta il <strong>modulo</strong> <a href="javascript:alert(1)">qui'
        '</a> o <a href="https://comune.example/">sul sito</a></p><script>alert(1)</script>'
        '<style>p{}</style><img src=x onerror=alert(1)>'))
    service.refresh_from_db()
    text = service.instructions
    for bad in ("onclick", "javascript:", "<script", "<style", "<img", "onerror"):
        assert bad not in text
    assert "<strong>modulo</strong>" in text
    assert '<a href="https://comune.example/" rel="noopener">sul sito</a>' in text


def test_plain_text_instructions_become_escaped_paragraphs(organization):
    service = make_service(organization, instructions="Riga uno & due\n\nSecondo paragrafo")
    assert str(service.instructions_html()) == \
        "<p>Riga uno &amp; due</p>\n\n<p>Secondo paragrafo</p>"
    # rows written around save() are sanitised again when shown
    Service.objects.filter(pk=service.pk).update(instructions="<b>ok</b><script>x</script>")
    service.refresh_from_db()
    assert str(service.instructions_html()) == "<p><b>ok</b></p>"


def test_causale_template_fills_only_named_fields(organization):
    service = make_service(organization, causale_template="Pagamento pass {numero_pass} "
                                                          "del {data} {x.__class__} {assente}")
    assert service.render_causale({"numero_pass": "12345", "data": "01/01/2017"}) == \
        "Pagamento pass 12345 del 01/01/2017 {x.__class__}"
    assert service.render_causale({"numero_pass": "9" * 200, "data": ""}).__len__() == 140
    assert make_service(organization, code="t", name="Nome").render_causale({}) == "Nome"


def test_active_dates_decide_what_is_offered(organization):
    today = date.today()
    make_service(organization, code="a", spontaneous_allowed=True, fixed_amount_cents=1)
    make_service(organization, code="b", spontaneous_allowed=True, fixed_amount_cents=1,
                 active_from=today + timedelta(days=1))
    make_service(organization, code="c", spontaneous_allowed=True, fixed_amount_cents=1,
                 active_to=today - timedelta(days=1))
    make_service(organization, code="d", spontaneous_allowed=True, fixed_amount_cents=1,
                 active=False)
    make_service(organization, code="e", active_from=today, active_to=today)
    assert set(Service.objects.spontaneous().values_list("code", flat=True)) == {"a"}
    assert set(Service.objects.active().values_list("code", flat=True)) == {"a", "e"}


@pytest.mark.parametrize("fields, errors", [
    ({"amount_rule": "fixed", "spontaneous_allowed": True}, {"fixed_amount_cents"}),
    ({"amount_rule": "range", "min_amount_cents": 500, "max_amount_cents": 100},
     {"max_amount_cents"}),
    ({"amount_rule": "range"}, {"min_amount_cents", "max_amount_cents"}),
    ({"amount_rule": "unit_price"}, {"unit_price_cents", "amount_field"}),
    ({"amount_rule": "choice_price"}, {"amount_field"}),
    ({"active_from": date(2026, 2, 1), "active_to": date(2026, 1, 1)}, {"active_to"}),
])
def test_amount_rule_needs_its_values(organization, fields, errors):
    service = Service(organization=organization, code="x", name="X",
                      taxonomy_code="9/0102106TS/", **fields)
    with pytest.raises(ValidationError) as raised:
        service.full_clean()
    assert set(raised.value.message_dict) == errors


@pytest.mark.parametrize("fields, error_field", [
    ({"name": "importo"}, "name"),
    ({"name": "Numero Pass"}, "name"),
    ({"pattern": "([0-9"}, "pattern"),
    ({"kind": "choice", "choices": ""}, "choices"),
    ({"kind": "choice", "choices": "A | dieci euro"}, "choices"),
    ({"min_length": 5, "max_length": 2}, "max_length"),
    ({"min_value": Decimal(5), "max_value": Decimal(1)}, "max_value"),
])
def test_field_definitions_are_checked(organization, fields, error_field):
    service = make_service(organization)
    field = ServiceField(service=service, **{"name": "campo", "label": "Campo", **fields})
    with pytest.raises(ValidationError) as raised:
        field.full_clean()
    assert error_field in raised.value.message_dict


def test_choice_prices_and_euro_parsing(organization):
    field = ServiceField(choices="Piccolo | 12,50\n\nGrande | 1.250,00\nSenza prezzo")
    assert field.choice_list() == [("Piccolo", 1250), ("Grande", 125000),
                                   ("Senza prezzo", None)]
    assert [parse_euro_cents(t) for t in ("2", "2,5", "2.50", "€ 1.000,01")] == \
        [200, 250, 250, 100001]
    for bad in ("", "1,234", "-1", "1e3", "abc"):
        with pytest.raises(ValueError):
            parse_euro_cents(bad)


# The editor (back office): tests/backoffice/test_services.py


def test_demo_services_are_valid_and_seeding_twice_changes_nothing(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    diritti = Service.objects.get(code="diritti-segreteria")
    assert diritti.amount_rule == "unit_price" and diritti.unit_price_cents == 250
    assert (diritti.accounting_chapter, diritti.accounting_assessment) == ("3005", "2026/104")
    assert list(diritti.form_fields.values_list("name", flat=True)) == ["atto", "numero_copie"]
    assert diritti.compute_amount_cents({"numero_copie": Decimal(3)}) == 750
    pass_service = Service.objects.get(code="pass-disabili")
    assert pass_service.render_causale({"numero_pass": "12345", "data": "01/01/2017"}) == \
        "Pagamento pass 12345 del 01/01/2017"
    for service in Service.objects.all():
        service.full_clean()
        for field in service.form_fields.all():
            field.full_clean()
    assert ServiceField.objects.count() == 4
