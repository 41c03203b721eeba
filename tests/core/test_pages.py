"""Every page: strict CSP, no inline script or style, personal pages not cached."""

import ast
import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _pages(organization):
    return [reverse("positions:search", args=[organization.slug]),
            reverse("accounts:login", args=[organization.slug])]


def test_strict_csp_and_no_inline_code(client, organization):
    for url in _pages(organization):
        response = client.get(url)
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_personal_pages_are_not_stored(client, organization):
    response = client.post(reverse("positions:search", args=[organization.slug]),
                           {"fiscal_code": "RSSMRA80E12H501I", "reference": "X"})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_errors_are_pages_not_tracebacks(client, db):
    response = client.get("/nessun-ente/pratiche/1/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_the_browser_language_does_not_override_italian(client, organization):
    url = reverse("positions:search", args=[organization.slug])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.content.decode()


# --- Languages: Italian by default, English on request, nothing left untranslated ----------

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"

#: Words of our Italian templates that have no place on an English page (whole words,
#: visible text only: addresses such as /paga/ and the Ente's own name do not count).
ITALIAN_WORDS = ("Accedi", "Registrati", "Ricerca", "Trova", "pratica", "pratiche", "Codice",
                 "codice", "fiscale", "Avanti", "Pagamenti", "pagamenti", "Lingua", "Cambia",
                 "utenza", "Indietro", "obbligatorio", "Paga", "avviso", "Ente", "Vai",
                 "Sportello PSP", "Verifica", "Nessun", "Simulazione", "Importo")


def _po_entries(path: Path) -> list[dict]:
    """A small .po reader (polib is not a dependency): msgid, plural, msgstr(s), flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
        else:
            key, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if key.startswith("msgstr"):
                entry["msgstr"][key] = value
            else:
                entry[key] = value
    return entries


def _visible_text(html: str) -> str:
    """What a reader sees or hears: text between tags and the labels of attributes."""
    labels = " ".join(re.findall(r'(?:aria-label|alt|title|placeholder)="([^"]*)"', html))
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html) + " " + labels


def _assert_english(html: str, url: str) -> None:
    text = _visible_text(html).replace("(codice fiscale)", "")  # the gloss is deliberate
    leftovers = [w for w in ITALIAN_WORDS if re.search(rf"(?<!\w){w}(?!\w)", text)]
    assert not leftovers, f"{url}: Italian left on the English page: {leftovers}"
    assert '<html lang="en"' in html, url


def test_italian_by_default_english_on_request(client, organization):
    url = reverse("positions:search", args=[organization.slug])
    assert "Trova pratica" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "Find" in english and "Trova pratica" not in english


def test_translation_catalogue_is_complete():
    """Every string has an English translation, none fuzzy, placeholders kept."""
    entries = [e for e in _po_entries(LOCALE_DIR / "django.po") if e["msgid"]]
    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, fuzzy
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert not untranslated, untranslated
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for e in entries:
        sources = [e["msgid"], e["msgid_plural"] or e["msgid"]]
        for key, translation in e["msgstr"].items():
            source = sources[1] if key == "msgstr[1]" else e["msgid"]
            assert set(placeholder.findall(translation)) == set(placeholder.findall(source)), (
                e["msgid"], translation)


def test_committed_mo_matches_the_po():
    """The runtime reads django.mo: it must be compiled from the current django.po."""
    with (LOCALE_DIR / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for e in _po_entries(LOCALE_DIR / "django.po"):
        if not e["msgid"]:
            continue
        if e["msgid_plural"]:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"]["msgstr[0]"]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 2) == e["msgstr"]["msgstr[1]"]
        elif e.get("msgctxt"):
            assert (compiled.pgettext(e["msgctxt"], e["msgid"])
                    == e["msgstr"]["msgstr"]), (e["msgctxt"], e["msgid"])
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"]["msgstr"], e["msgid"]


def test_pages_render_fully_in_english(client, organization):
    slug = organization.slug
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pages = {
        reverse("positions:search", args=[slug]): ("Find a payment", "Find payment", "Log in",
                                                   "Sign up", "Tax code"),
        reverse("accounts:login", args=[slug]): ("Log in", "Forgotten your password?"),
        reverse("accounts:register", args=[slug]): ("Sign up", "Next"),
        reverse("sandbox:overview"): ("Node activity", "PSP counter", "No payments."),
        reverse("sandbox:counter"): ("PSP counter", "Check the notice", "Notice code"),
    }
    for url, expected in pages.items():
        html = unescape(client.get(url).content.decode())
        for phrase in expected:
            assert phrase in html, (url, phrase)
        _assert_english(html, url)


def test_form_errors_in_english(client, organization):
    """Messages from Python (forms, validators) follow the chosen language too."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    search = client.post(reverse("positions:search", args=[organization.slug]),
                         {"fiscal_code": "RSSMRA80E12H501X", "reference": ""})
    html = search.content.decode()
    assert "Enter the payment reference or the IUV." in html
    _assert_english(html, "search errors")
    counter = client.post(reverse("sandbox:counter"), {"notice_number": "123",
                                                       "fiscal_code": "1"})
    html = unescape(counter.content.decode())
    assert "The notice code has 18 digits." in html
    assert "The authority's tax code has 11 digits." in html
    _assert_english(html, "sandbox counter errors")
