"""The one place where codici fiscali, partite IVA and IBANs are checked.

Every form, model and the API use these, so a code accepted in one place is accepted
everywhere. The checks come from maintained libraries (python-codicefiscale for the
16-character code with omocodia, python-stdnum for the 11-digit one, schwifty for IBANs).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from codicefiscale import codicefiscale as cf_lib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.it import iva

_SEPARATORS = re.compile(r"[\s\-.]+")
_PERSON_SHAPE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}"
                           r"[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")


@dataclass(frozen=True)
class FiscalCode:
    """A checked codice fiscale: 16 characters (natural person) or 11 digits (legal)."""

    value: str

    @property
    def is_legal_person(self) -> bool:
        return len(self.value) == 11

    def __str__(self) -> str:
        return self.value


def normalize_fiscal_code(text: str) -> str:
    return _SEPARATORS.sub("", text or "").upper()


@functools.lru_cache(maxsize=65536)
def _birth_data_exist(value: str) -> bool:
    """python-codicefiscale's full decode (birth date, comune valid on that date, 128
    omocodie) costs milliseconds a code, and one code is checked several times on its way
    in (form or import row, then the model): remembered, as it never changes."""
    return cf_lib.is_valid(value)


_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_MONTHS = "ABCDEHLMPRST"


@functools.cache
def _place_codes() -> frozenset[str]:
    from codicefiscale.data import get_indexed_data

    return frozenset(get_indexed_data()["codes"])


def _quick_person_check(value: str) -> bool:
    """Birth date and place code of a 16-character code that has the right shape and
    check character: a real day, a known Belfiore code. The bulk import's check, since
    python-codicefiscale's full decode (the place as it was on the birth date) costs
    about 10 ms a code, 1,000 s for a file of 100,000 rows."""
    year = int(value[6:8].translate(_OMOCODIA))
    day = int(value[9:11].translate(_OMOCODIA))
    day = day - 40 if day > 40 else day
    try:
        # 2000 is a leap year: 29 February of any year ends in 00..99 passes here.
        datetime.date(2000 + year if year % 4 == 0 else 2001, _MONTHS.index(value[8]) + 1,
                      day)
    except ValueError:
        return False
    place = value[11] + value[12:15].translate(_OMOCODIA)
    return place in _place_codes()


def parse_fiscal_code(text: str, *, quick: bool = False) -> FiscalCode:
    """Return the normalised code, or raise ValidationError with an Italian message.
    ``quick``: the birth place is checked to exist, not to have existed on the birth
    date (the bulk import: see ``_quick_person_check``)."""
    value = normalize_fiscal_code(text)
    if not value:
        raise ValidationError(_("Inserisci il codice fiscale."), code="required")
    if value.isdigit():
        if len(value) != 11:
            raise ValidationError(
                _("Un codice fiscale numerico (persona giuridica o partita IVA) ha 11 cifre."),
                code="length",
            )
        if not iva.is_valid(value):
            raise ValidationError(
                _("Il codice fiscale numerico non è valido: la cifra di controllo non torna."),
                code="checksum",
            )
        return FiscalCode(value)
    if len(value) != 16:
        raise ValidationError(
            _("Il codice fiscale di una persona fisica ha 16 caratteri; "
              "quello di una persona giuridica 11 cifre."),
            code="length",
        )
    if not _PERSON_SHAPE.match(value):
        raise ValidationError(
            _("Il codice fiscale non ha la forma corretta (6 lettere, 2 cifre, 1 lettera, "
              "2 cifre, 1 lettera, 3 cifre, 1 lettera)."),
            code="format",
        )
    if cf_lib.encode_cin(value[:15]) != value[15]:
        raise ValidationError(
            _("Il codice fiscale non è valido: il carattere di controllo non torna. "
              "Controlla di averlo scritto bene."),
            code="checksum",
        )
    if not (_quick_person_check(value) if quick else _birth_data_exist(value)):
        raise ValidationError(
            _("Il codice fiscale non è valido: data o luogo di nascita inesistenti."),
            code="invalid",
        )
    return FiscalCode(value)


def validate_fiscal_code(value: str) -> None:
    """Django validator form of :func:`parse_fiscal_code`."""
    parse_fiscal_code(value)


PERSON_NAME_MAX = 60
ORGANIZATION_NAME_MAX = 140
_NAME_PUNCTUATION = frozenset(" '’-.")
# A ragione sociale also has "&" ("Rossi & C. S.a.s."), besides digits.
_ORGANIZATION_PUNCTUATION = _NAME_PUNCTUATION | {"&"}
# Something like "evil.example", "x.it" or "www.x.it": a dot between a word (or a digit:
# "evil1.example") and two or more letters is a domain, not a name ("S.r.l." is not).
_DOMAIN_LIKE = re.compile(r"[^\W_]\.[^\W\d_]{2,}")
_WEB_SCHEME = re.compile(r"(?i)\b(?:https?|ftp)://|\bwww\.")


def looks_like_web_address(text: str) -> bool:
    """Whether ``text`` carries a web address (a scheme, "www." or a domain)."""
    return bool(_WEB_SCHEME.search(text) or _DOMAIN_LIKE.search(text))


def validate_person_name(value: str) -> None:
    """A Nome or Cognome: letters of any alphabet, spaces, apostrophes, hyphens and dots,
    at most 60 characters; no digits, no web addresses. These names go into the Ente's
    emails and documents, so they must not carry a message of their own."""
    text = value or ""
    if len(text) > PERSON_NAME_MAX:
        raise ValidationError(
            _("Al massimo %(max)d caratteri.") % {"max": PERSON_NAME_MAX}, code="max_length")
    if (not any(ch.isalpha() for ch in text)
            or any(not (ch.isalpha() or ch in _NAME_PUNCTUATION) for ch in text)
            or looks_like_web_address(text)):
        raise ValidationError(
            _("Usa solo lettere, spazi, apostrofi, trattini e punti (niente cifre né "
              "indirizzi web)."), code="person_name")


def validate_organization_name(value: str) -> None:
    """A ragione sociale: as a person's name, with digits and "&" too, at most 140
    characters and never a web address. It goes into the Ente's emails ("Gentile …"),
    so it must not carry a message of its own."""
    text = value or ""
    if len(text) > ORGANIZATION_NAME_MAX:
        raise ValidationError(
            _("Al massimo %(max)d caratteri.") % {"max": ORGANIZATION_NAME_MAX},
            code="max_length")
    if (not any(ch.isalpha() for ch in text)
            or any(not (ch.isalnum() or ch in _ORGANIZATION_PUNCTUATION) for ch in text)
            or looks_like_web_address(text)):
        raise ValidationError(
            _("Usa solo lettere, cifre, spazi, apostrofi, trattini, punti e \"&\" "
              "(niente indirizzi web)."), code="organization_name")


def normalize_iban(text: str) -> str:
    return _SEPARATORS.sub("", text or "").upper()


def validate_iban(value: str) -> None:
    try:
        IBAN(normalize_iban(value))
    except SchwiftyException as exc:
        raise ValidationError(
            _("L'IBAN non è valido: controlla paese, lunghezza e cifre di controllo."),
            code="iban",
        ) from exc


#: Poste Italiane's ABI: a postal current account's IBAN is IT kk C 07601 …
POSTE_ABI = "07601"


def validate_postal_iban(value: str) -> None:
    """An IBAN of a postal current account (Bollettino Postale PA, allCCP)."""
    validate_iban(value)
    iban = normalize_iban(value)
    if not (iban.startswith("IT") and iban[5:10] == POSTE_ABI):
        raise ValidationError(
            _("Non è l'IBAN di un conto corrente postale (Poste Italiane, ABI 07601)."),
            code="postal_iban")


# --- what pagoPA checks when an Ente is registered -------------------------------------

#: Segregation codes are assigned by PagoPA S.p.A. from 00 to 45 (SACI 3.1.0+); these
#: are reserved to centralised services (SACI, Tabella 1) and never an Ente's own.
SEGREGATION_MAX = 45
RESERVED_SEGREGATION_CODES = frozenset({"47", "81", "85", "96", "97", "98", "99"})


def validate_ente_fiscal_code(value: str) -> None:
    """An Ente's fiscal code: 11 digits with the right check digit (as pagoPA's registry)."""
    if not re.fullmatch(r"\d{11}", value or ""):
        raise ValidationError(_("Il codice fiscale dell'Ente ha 11 cifre."), code="length")
    if not iva.is_valid(value):
        raise ValidationError(
            _("Il codice fiscale dell'Ente non è valido: la cifra di controllo non torna."),
            code="checksum")


def validate_segregation_code(value: str) -> None:
    """Two digits from 00 to 45, never one of the codes reserved to central services."""
    if not re.fullmatch(r"\d{2}", value or ""):
        raise ValidationError(_("Il codice di segregazione ha 2 cifre."), code="length")
    if value in RESERVED_SEGREGATION_CODES:
        raise ValidationError(
            _("Il codice di segregazione %(code)s è riservato a un servizio centralizzato "
              "pagoPA: usa quello assegnato all'Ente."), params={"code": value},
            code="reserved")
    if int(value) > SEGREGATION_MAX:
        raise ValidationError(
            _("Il codice di segregazione va da 00 a 45: usa quello assegnato da PagoPA "
              "S.p.A."), code="range")


def validate_taxonomy_code(value: str) -> None:
    """A pagoPA taxonomy code with its mandatory prefix (``9/0101002IM/``), present and
    valid today in the taxonomy file named by ``PAGOPA_TAXONOMY_FILE`` when one is set."""
    from django.conf import settings
    from django.utils import timezone

    from pagopa import taxonomy

    code = taxonomy.parse(value)
    if code is None:
        raise ValidationError(
            _("Codice di tassonomia pagoPA non valido: serve il prefisso, es. 9/0101002IM/ "
              "(6/, 7/ o 8/ per escludere l'avvisatura digitale)."), code="taxonomy_format")
    path = getattr(settings, "PAGOPA_TAXONOMY_FILE", "")
    if not path:
        return
    entry = taxonomy.codes(path).get(code)
    if entry is None:
        raise ValidationError(
            _("Il codice %(code)s non è nella tassonomia pagoPA in uso."),
            params={"code": value}, code="taxonomy_unknown")
    if not entry.valid_on(timezone.localdate()):
        raise ValidationError(
            _("Il codice %(code)s della tassonomia pagoPA non è valido oggi."),
            params={"code": value}, code="taxonomy_expired")


# --- text that goes into pagoPA messages and documents ---------------------------------

# Not allowed anywhere: C0 controls except tab/LF/CR, DEL and the C1 controls, surrogates
# (a lone one cannot even be encoded as UTF-8), and the Unicode non-characters U+FDD0..
# U+FDEF and U+xxFFFE/U+xxFFFF of every plane. XML 1.0 forbids most of these outright
# (lxml then refuses to build the message); the rest are not printable text.
_NOT_XML_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
              for plane in range(17))
    + "]"
)
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


def _refuse_bad_character(value: str, match: re.Match) -> None:
    raise ValidationError(
        _("Il testo contiene un carattere non ammesso (%(code)s, posizione %(position)s): "
          "usa solo lettere, cifre, spazi e la normale punteggiatura."),
        code="xml_text",
        params={"code": f"U+{ord(match.group()):04X}", "position": match.start() + 1},
    )


def validate_xml_text(value: str) -> None:
    """One line of printable, XML 1.0-compatible text: what every name, address, causale
    and spontaneous field must be, since it ends up in a pagoPA message or a PDF."""
    if not isinstance(value, str):
        return
    match = _NOT_XML_TEXT.search(value) or _LINE_BREAKS.search(value)
    if match:
        _refuse_bad_character(value, match)


def validate_xml_multiline_text(value: str) -> None:
    """As :func:`validate_xml_text`, for multi-line fields: tab and line breaks allowed."""
    if not isinstance(value, str):
        return
    match = _NOT_XML_TEXT.search(value)
    if match:
        _refuse_bad_character(value, match)

