import re
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from django.urls import reverse

from pagopa.identifiers import format_notice_number

CF = "RSSMRA80E12H501I"


def search(client, organization, fiscal_code=CF, reference="TS-2026-09", **extra):
    url = reverse("positions:search", args=[organization.slug])
    return client.post(url, {"fiscal_code": fiscal_code, "reference": reference}, **extra)


def _main(response) -> str:
    """The page's main content without the per-request CSRF token."""
    html = response.content.decode()
    main = html[html.index('<main'):html.index('</main>')]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


@pytest.fixture
def position(make_position):
    return make_position()


@pytest.mark.parametrize("kind", ["reference", "iuv", "notice", "notice_spaced", "lowercase_cf"])
def test_finds_by_reference_iuv_or_notice_number(client, organization, position, kind):
    option = position.options.get()
    fiscal_code, reference = {
        "reference": (CF, "TS-2026-09"),
        "iuv": (CF, option.iuv),
        "notice": (CF, option.notice_number),
        "notice_spaced": (CF, format_notice_number(option.notice_number)),
        "lowercase_cf": (CF.lower(), "ts-2026-09"),
    }[kind]
    response = search(client, organization, fiscal_code, reference)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trasporto scolastico mese di Settembre" in body
    assert "22,00 €" in body
    assert option.iuv in body
    assert "Paga" in body


def test_wrong_fiscal_code_and_no_match_look_the_same(client, organization, position):
    unknown_cf = search(client, organization, fiscal_code="BNCGLI92S43F205B")
    wrong_reference = search(client, organization, reference="NOPE-1")
    assert unknown_cf.status_code == wrong_reference.status_code == 200
    assert "Trasporto" not in unknown_cf.content.decode()
    # identical pages, except for the values echoed back into the two fields
    a = _main(unknown_cf).replace("BNCGLI92S43F205B", "X").replace("TS-2026-09", "Y")
    b = _main(wrong_reference).replace(CF, "X").replace("NOPE-1", "Y")
    assert a == b
    assert "Nessuna pratica corrisponde" in a


def test_invalid_fiscal_code_is_explained_and_the_input_kept(client, organization, position):
    response = search(client, organization, fiscal_code="RSSMRA80E12H501X",
                      reference="TS-2026-09")
    body = response.content.decode()
    assert response.status_code == 200
    assert "carattere di controllo" in body
    assert 'value="RSSMRA80E12H501X"' in body
    assert 'value="TS-2026-09"' in body
    assert "is-invalid" in body


def test_a_position_of_another_ente_is_not_found(client, organization, other_organization,
                                                  position):
    response = search(client, other_organization)
    assert "Trasporto scolastico mese" not in response.content.decode()


@override_settings(RICERCA_RATE="3/m")
def test_search_is_rate_limited_per_address(client, organization, position):
    for _ in range(3):
        assert search(client, organization, REMOTE_ADDR="10.0.0.1").status_code == 200
    limited = search(client, organization, REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    assert "troppe ricerche" in limited.content.decode()
    # another address is not affected
    assert search(client, organization, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_paga_leads_to_login_and_back_to_the_position(client, organization, position, payer):
    search(client, organization)
    detail = reverse("positions:detail", args=[organization.slug, position.pk])
    response = client.get(detail)
    login = reverse("accounts:login", args=[organization.slug])
    assert response.status_code == 302
    assert response["Location"].startswith(login + "?next=")
    response = client.post(f"{login}?next={detail}",
                           {"username": payer.email, "password": "Password-lunga-123",
                            "next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail)
    assert page.status_code == 200
    assert "Trasporto scolastico mese di Settembre" in page.content.decode()


def test_a_position_not_found_in_this_browser_is_a_404(client, organization, position, payer):
    client.force_login(payer)
    detail = reverse("positions:detail", args=[organization.slug, position.pk])
    assert client.get(detail).status_code == 404


def test_unknown_ente_is_a_404(client, db):
    assert client.get("/nessun-ente/").status_code == 404


def test_found_positions_are_followed_from_login(client, organization, position, payer):
    from positions.access import followed_positions

    assert not followed_positions(payer, organization).exists()
    search(client, organization)
    login = reverse("accounts:login", args=[organization.slug])
    client.post(login, {"username": payer.email, "password": "Password-lunga-123"})
    assert list(followed_positions(payer, organization)) == [position]
    # a new browser, logged in, still sees it
    other = client.__class__()
    other.force_login(payer)
    detail = reverse("positions:detail", args=[organization.slug, position.pk])
    assert other.get(detail).status_code == 200


def test_a_search_while_logged_in_follows_the_position(
        client, organization, position, payer):
    from positions.access import account_positions, followed_positions

    client.force_login(payer)
    search(client, organization)
    assert list(followed_positions(payer, organization)) == [position]
    assert not account_positions(payer, organization).exists()


def test_paga_on_the_search_result_asks_to_log_in_then_goes_on(client, organization,
                                                               position, payer, monkeypatch):
    """*Paga* → *Accedi* → the amount to confirm → Checkout: no second search for Paga."""
    from django.shortcuts import redirect

    from payments import views as payment_views
    from payments.models import PaymentAttempt

    search(client, organization)
    option = position.options.get()
    pay = reverse("payments:start", args=[organization.slug])
    response = client.post(pay, {"option": option.pk})
    confirm = f"{reverse('payments:confirm', args=[organization.slug])}?option={option.pk}"
    login = reverse("accounts:login", args=[organization.slug])
    assert response.status_code == 302
    assert response["Location"] == f"{login}?{urlencode({'next': confirm})}"
    assert not PaymentAttempt.objects.exists()  # nothing opened before login
    response = client.post(f"{login}?{urlencode({'next': confirm})}", {
        "username": payer.email, "password": "Password-lunga-123", "next": confirm})
    assert response["Location"] == confirm
    page = client.get(confirm)
    text = page.content.decode()
    assert "Conferma il pagamento" in text and "22,00 €" in text
    assert f'name="option" value="{option.pk}"' in text and f'action="{pay}"' in text
    assert not PaymentAttempt.objects.exists()  # the GET only shows
    started = []
    monkeypatch.setattr(payment_views, "start_checkout", lambda request, options: (
        started.append(options) or redirect("https://checkout.example/c/1")))
    response = client.post(pay, {"option": option.pk})
    assert response["Location"] == "https://checkout.example/c/1"
    assert [o.pk for o in started[0]] == [option.pk]


def test_the_confirmation_of_something_not_payable_says_why(client, organization, position,
                                                            payer):
    client.force_login(payer)
    option = position.options.get()
    confirm = reverse("payments:confirm", args=[organization.slug])
    response = client.get(f"{confirm}?option={option.pk}", follow=True)  # not this account's
    assert response.redirect_chain[-1][0] == reverse("positions:home", args=[organization.slug])
    assert "non è disponibile per il pagamento" in response.content.decode()


# --- Shared offices: a human check past the soft limits, not a hard block -------------------

def _solution(page: str) -> str:
    """Solve the challenge the page carries, as the widget would (HUMAN_CHECK_COST is 1)."""
    import html as html_lib
    import json
    import re

    import altcha

    raw = html_lib.unescape(re.search(r'<altcha-widget[^>]*challenge="([^"]+)"', page).group(1))
    challenge = altcha.Challenge.from_dict(json.loads(raw))
    return altcha.Payload(challenge=challenge,
                          solution=altcha.solve_challenge(challenge)).to_base64()


@override_settings(RICERCA_CHECK_RATE="2/m", RICERCA_RATE="50/m")
def test_a_busy_address_gets_a_human_check_instead_of_a_block(client, organization, position):
    for _ in range(2):
        assert "Trasporto scolastico mese" in search(client, organization).content.decode()
    asked = search(client, organization)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "<altcha-widget" in page and "non essere un programma automatico" in page
    assert "Trasporto scolastico mese" not in page  # nothing searched without the check
    assert 'value="TS-2026-09"' in page  # what was typed is kept
    payload = _solution(page)
    url = reverse("positions:search", args=[organization.slug])
    solved = client.post(url, {"fiscal_code": CF, "reference": "TS-2026-09", "altcha": payload})
    assert "Trasporto scolastico mese" in solved.content.decode()
    # a solution works once
    again = client.post(url, {"fiscal_code": CF, "reference": "TS-2026-09", "altcha": payload})
    assert "Trasporto scolastico mese" not in again.content.decode()
    assert "Il controllo non è riuscito" in again.content.decode()
    forged = client.post(url, {"fiscal_code": CF, "reference": "TS-2026-09", "altcha": "eyJ9"})
    assert "<altcha-widget" in forged.content.decode()


@override_settings(RICERCA_FISCAL_CODE_CHECK_RATE="2/m", RICERCA_FISCAL_CODE_RATE="3/m",
                   RICERCA_CHECK_RATE="50/m")
def test_one_codice_fiscale_is_limited_whatever_the_address(client, organization, position):
    for number in range(2):
        response = search(client, organization, REMOTE_ADDR=f"10.0.1.{number}")
        assert "Trasporto scolastico mese" in response.content.decode()
    checked = search(client, organization, REMOTE_ADDR="10.0.1.9")
    assert "<altcha-widget" in checked.content.decode()
    assert search(client, organization, REMOTE_ADDR="10.0.1.10").status_code == 429
    # another codice fiscale from the same desk is not affected
    other = search(client, organization, fiscal_code="BNCLRA85M41H501X", REMOTE_ADDR="10.0.1.9")
    assert other.status_code == 200 and "<altcha-widget" not in other.content.decode()


def test_the_default_limits_suit_a_front_desk():
    from django.conf import settings

    assert settings.RICERCA_CHECK_RATE == "10/m" and settings.RICERCA_RATE == "60/m"
