"""The walk: EVERY URL pattern of the ``backoffice`` namespace, asked by someone who has no
business there, answers 404 (a redirect to the login for the anonymous).

Nothing here names a view: the patterns are read from the resolver, and their arguments
are filled from what *the other Ente* owns (every model that leads to an Ente through its
foreign keys), so each page, filter, export or download added to the back office is walked
without touching this file. Arguments named after a model (``position``, ``receipt``,
``service``...) get that model's ids; any other integer gets every id of the other Ente;
strings get its codes (IUV, codice avviso, service codes, receipt ids).
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from audit.log import log_action
from organizations.models import Organization, StaffRole
from tests.backoffice.conftest import login_staff, make_staff

#: The doors: open to anyone by design (logout is POST-only and acts on one's own session).
PUBLIC = {"login", "second_factor", "identity_login", "logout"}
OUR_APPS = {"accounts", "audit", "catalog", "payments", "positions", "documents", "mail",
            "organizations", "backoffice", "identity", "webhooks", "reconciliation"}
NAME_HINTS = {"position": "positions.paymentposition", "option": "positions.paymentoption",
              "installment": "positions.paymentoption", "transfer": "positions.transfer",
              "receipt": "payments.receipt", "service": "catalog.service",
              "field": "catalog.servicefield", "debtor": "positions.debtor",
              "member": "organizations.staffmembership", "staff": "organizations.staffmembership",
              "entry": "audit.auditentry", "push": "payments.acapush",
              "attempt": "payments.paymentattempt", "email": "mail.outgoingemail"}


def backoffice_patterns() -> list[tuple[str, dict]]:
    """(name, {argument: converter}) for every named pattern under ``backoffice:``."""
    found = []

    def walk(patterns, converters: dict, inside: bool):
        for pattern in patterns:
            here = {**converters, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, here, inside or pattern.namespace == "backoffice")
            elif isinstance(pattern, URLPattern) and inside and pattern.name:
                found.append((pattern.name, here))

    walk(get_resolver().url_patterns, {}, False)
    return found


def path_to_organization(model, depth: int = 3) -> str | None:
    """``option__position__organization``-like lookup from ``model`` to its Ente."""
    if depth == 0:
        return None
    fks = [f for f in model._meta.get_fields()
           if isinstance(f, models.ForeignKey) and not f.auto_created]
    for field in fks:
        if field.related_model is Organization:
            return field.name
    for field in fks:
        if field.related_model is not model and field.related_model is not None:
            rest = path_to_organization(field.related_model, depth - 1)
            if rest:
                return f"{field.name}__{rest}"
    return None


def owned_by(organization) -> dict[str, list]:
    """{model label: [pks]} of everything that leads to ``organization``."""
    owned = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        lookup = path_to_organization(model)
        if lookup:
            pks = list(model.objects.filter(**{lookup: organization})
                       .values_list("pk", flat=True)[:20])
            if pks:
                owned[model._meta.label_lower] = pks
    return owned


def codes_of(organization) -> list[str]:
    from catalog.models import Service
    from payments.models import Receipt
    from positions.models import PaymentOption

    options = PaymentOption.objects.filter(position__organization=organization)
    return sorted({*options.values_list("iuv", flat=True),
                   *options.values_list("notice_number", flat=True),
                   *Service.objects.filter(organization=organization)
                   .values_list("code", flat=True),
                   *Receipt.objects.filter(organization=organization)
                   .values_list("receipt_id", flat=True)})


def fillings(converters: dict, owned: dict[str, list], codes: list[str]):
    """Every way to fill the arguments (other than ``ente``) with the other Ente's things."""
    names = [n for n in converters if n != "ente"]
    if not names:
        yield {}
        return
    every_id = sorted({pk for pks in owned.values() for pk in pks if isinstance(pk, int)})
    choices = []
    for name in names:
        if isinstance(converters[name], IntConverter):
            hinted = [label for hint, label in NAME_HINTS.items() if hint in name.lower()]
            choices.append(owned.get(hinted[0], every_id) if hinted else every_id)
        else:
            choices.append(codes)
    # Each argument through its choices, the others at their first (not the full product).
    seen = set()
    for i, values in enumerate(choices):
        for value in values:
            combo = tuple(value if j == i else c[0] for j, c in enumerate(choices))
            if combo not in seen:
                seen.add(combo)
                yield dict(zip(names, combo, strict=True))


@pytest.fixture
def other_entes_things(organization, make_position, service, debtor):
    """Comune di Prova owns a position with installments, a receipt, staff, an audit entry."""
    from payments.models import Receipt
    from positions.services import OptionSpec

    today = timezone.localdate()
    position = make_position(installments=[
        OptionSpec(1000, today + timedelta(days=30)),
        OptionSpec(500, today + timedelta(days=30), installment_number=1, plan=1),
        OptionSpec(500, today + timedelta(days=60), installment_number=2, plan=1)])
    option = position.options.first()
    Receipt.objects.create(
        organization=organization, option=option, receipt_id="r" * 32,
        notice_number=option.notice_number, fiscal_code=organization.fiscal_code,
        creditor_reference_id=option.iuv, outcome="OK", amount_cents=1000,
        description="x", company_name=organization.name, id_psp="PSP", psp_company_name="PSP",
        id_channel="CH", channel_description="CH", raw_xml="<x/>", needs_attention=True,
        payment_date_time=timezone.now())
    boss = make_staff(organization, "capo-a@example.it", StaffRole.MANAGER)
    log_action("position.created", obj=position, actor=boss)
    from webhooks.models import Attempt, Delivery, Endpoint, Event

    endpoint = Endpoint.objects.create(organization=organization, url="https://93.184.216.34/",
                                       secret="s" * 30, events=["position.paid"])
    event = Event.objects.create(organization=organization, type="ping")
    Attempt.objects.create(delivery=Delivery.objects.create(event=event, endpoint=endpoint),
                           status_code=500)
    _reconciliation_things(organization)
    return organization


def _reconciliation_things(organization) -> None:
    """A flow with a payment, a statement with a credit, and an open issue."""
    from reconciliation.models import Flow, FlowPayment, ReconciliationIssue
    from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement

    flow = Flow.objects.create(organization=organization, fdr="F-A", revision=1, psp_id="P")
    payment = FlowPayment.objects.create(flow=flow, index=1, iuv="1", iur="1", id_transfer=1,
                                         amount_cents=1, pay_status="EXECUTED")
    statement = TreasuryStatement.objects.create(organization=organization, file_name="a.xml",
                                                 sha256="a", account_iban="IT", version="v",
                                                 raw="")
    credit = TreasuryCredit.objects.create(organization=organization, statement=statement,
                                           account_iban="IT", amount_cents=1, fdr="F-A")
    ReconciliationIssue.objects.create(organization=organization, kind="senza_ricevuta",
                                       key="k", flow=flow, payment=payment, credit=credit)


def test_the_walk_sees_the_patterns_and_the_things():
    names = {name for name, _ in backoffice_patterns()}
    assert {"home", "login", "logout"} <= names


def _walk(client, ente_slug, owned, codes, *, with_args_only=False):
    """(name, method, path, status) of every request that was not refused with 404."""
    leaks = []
    for name, converters in backoffice_patterns():
        if name in PUBLIC or (with_args_only and set(converters) == {"ente"}):
            continue
        for filled in itertools.islice(fillings(converters, owned, codes), 60):
            path = reverse(f"backoffice:{name}", kwargs={"ente": ente_slug, **filled})
            for method in ("get", "post"):
                status = getattr(client, method)(path).status_code
                if status != 404 and not (method == "get" and status == 405):
                    leaks.append((name, method, path, status))
    return leaks


def test_staff_of_another_ente_get_404_everywhere(client, other_entes_things,
                                                  other_organization):
    owned, codes = owned_by(other_entes_things), codes_of(other_entes_things)
    assert {"positions.paymentposition", "payments.receipt", "audit.auditentry"} <= set(owned)
    stranger = make_staff(other_organization, "capo-b@example.it", StaffRole.MANAGER)
    login_staff(client, stranger)
    # Their own back office works...
    assert client.get(reverse("backoffice:home", args=[other_organization.slug])).status_code \
        == 200
    # ...Comune di Prova's answers 404, and so does theirs asked for Comune di Prova's ids.
    assert _walk(client, other_entes_things.slug, owned, codes) == []
    assert _walk(client, other_organization.slug, owned, codes, with_args_only=True) == []


def test_a_payer_gets_404_everywhere(client, other_entes_things, payer):
    client.force_login(payer)
    owned, codes = owned_by(other_entes_things), codes_of(other_entes_things)
    assert _walk(client, other_entes_things.slug, owned, codes) == []


def test_the_anonymous_are_sent_to_the_login(client, other_entes_things):
    owned, codes = owned_by(other_entes_things), codes_of(other_entes_things)
    login = reverse("backoffice:login", args=[other_entes_things.slug])
    for name, converters in backoffice_patterns():
        if name in PUBLIC:
            continue
        filled = next(fillings(converters, owned, codes))
        path = reverse(f"backoffice:{name}", kwargs={"ente": other_entes_things.slug, **filled})
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (302, 405), (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(login), (name, method)
