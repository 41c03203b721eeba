"""Reading an import file (the documented template, CSV or XLSX) into position specs.

Streaming: rows are read one at a time and a position is handed on as soon as its rows
end, so a file of 100,000 rows never sits in memory as objects. That is why the rows of
one position (same ``riferimento``: one per installment, or per transfer of the same
installment) must be consecutive, as the template's guide says.

Every problem is a :class:`Problem` naming the line (the header is line 1), the column
and an Italian reason. Problems with the whole file (encoding, columns, no rows, too many
rows) raise :class:`FileRefused` before any row is looked at.

XLSX is read with python-calamine: a Rust reader (maintained, the one pandas uses) that
is several times faster than openpyxl's read-only mode and gives each cell its type
(number, date, text), which is how an Excel date or number in a text column is caught.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Service
from organizations.models import Organization
from positions.bulk import PositionSpec
from positions.editing import DebtorSpec
from positions.services import OptionSpec, TransferSpec

#: The template's columns, in order (Italian, snake case).
COLUMNS = ["riferimento", "codice_fiscale", "tipo_soggetto", "nome",
           "cognome_o_ragione_sociale", "indirizzo", "cap", "citta", "provincia", "nazione",
           "email", "servizio", "causale", "importo", "scadenza", "rata", "iban", "note"]
#: Columns a file must have (the others may be left out of it altogether).
REQUIRED = ["riferimento", "codice_fiscale", "cognome_o_ragione_sociale", "servizio",
            "causale", "importo", "scadenza"]
#: Columns whose cells are text: a number or a date there is Excel's doing.
TEXT = set(COLUMNS) - {"importo", "scadenza", "rata"}
#: The columns that must agree on every row of one position.
POSITION_COLUMNS = ["codice_fiscale", "tipo_soggetto", "nome", "cognome_o_ragione_sociale",
                    "indirizzo", "cap", "citta", "provincia", "nazione", "email", "servizio",
                    "causale", "note"]

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+\.\d+$")
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is Italian."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str


@dataclass
class ParsedPosition:
    """One position of the file: its spec, or the problems that keep it out."""

    ordinal: int  # 0, 1, 2… in file order
    reference: str
    first_line: int
    lines: list[int]
    spec: PositionSpec | None
    problems: list[Problem] = field(default_factory=list)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 200_000)


# --- rows ------------------------------------------------------------------------------

def kind_of(filename: str) -> str:
    """"csv" or "xlsx" from the name; FileRefused for anything else."""
    name = filename.lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise FileRefused(_("Carica un file CSV (.csv) o Excel (.xlsx)."))


def _encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if every byte decodes so, else Windows-1252; refused
    when neither reads it (UTF-16, a binary file). Reads the file once, in chunks."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise FileRefused(_("Codifica del file non riconosciuta (sembra UTF-16): salva il "
                            "CSV come UTF-8 o Windows-1252."))
    decoders = {"utf-8-sig": codecs.getincrementaldecoder("utf-8-sig")(),
                "cp1252": codecs.getincrementaldecoder("cp1252")()}
    good = dict.fromkeys(decoders, True)
    while chunk := stream.read(1 << 20):
        if b"\x00" in chunk:
            raise FileRefused(_("Il file contiene caratteri nulli: non è un CSV di testo. "
                                "Salvalo come CSV UTF-8 o Windows-1252."))
        for name, decoder in decoders.items():
            if good[name]:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    good[name] = False
    stream.seek(0)
    for name in decoders:
        if good[name]:
            try:
                decoders[name].decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return name
    raise FileRefused(_("Codifica del file non riconosciuta: salva il CSV come UTF-8 o "
                        "Windows-1252."))


def _header(cells: Iterable[object]) -> list[str]:
    names = [str(c or "").strip().lower().replace(" ", "_").lstrip("\ufeff") for c in cells]
    while names and not names[-1]:
        names.pop()
    unknown = [n or _("(vuota)") for n in names if n not in COLUMNS]
    missing = [n for n in REQUIRED if n not in names]
    messages = []
    if missing:
        messages.append(ngettext("Manca la colonna %(names)s.", "Mancano le colonne %(names)s.",
                                 len(missing)) % {"names": ", ".join(missing)})
    if unknown:
        messages.append(ngettext("Colonna sconosciuta: %(names)s.",
                                 "Colonne sconosciute: %(names)s.", len(unknown))
                        % {"names": ", ".join(unknown)})
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        messages.append(_("Colonna ripetuta: %(names)s.") % {"names": ", ".join(repeated)})
    if messages:
        raise FileRefused(" ".join(messages) + " " + _(
            "Usa le colonne del modello: %(columns)s.") % {"columns": "; ".join(COLUMNS)})
    return names


def read_rows(stream: IO[bytes], kind: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(line, {column: value}) for each non-empty row; FileRefused first if the file as a
    whole is wrong. Values: str for CSV; str, float, bool, date or datetime for XLSX.
    ``stream`` stays open (the caller reads it again)."""
    if kind == "xlsx":
        yield from _rows(_xlsx_rows(stream))
        return
    encoding = _encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        text.seek(0)
        yield from _rows(csv.reader(text, delimiter=delimiter))
    finally:
        text.detach()  # closing the wrapper would close the caller's stream


def _rows(rows: Iterator[list]) -> Iterator[tuple[int, dict[str, object]]]:
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused(_("Il file è vuoto: nessuna riga da importare.")) from None
    except csv.Error as exc:
        raise FileRefused(_("Il CSV non si legge: %(reason)s.") % {"reason": exc}) from None
    names = _header(header)
    limit = max_rows()
    count = 0
    line = 1
    try:
        for line, cells in enumerate(rows, start=2):
            if not any(str(c).strip() for c in cells if c is not None):
                continue
            count += 1
            if count > limit:
                raise FileRefused(_(
                    "Il file ha più di %(limit)s righe: dividilo in più file da al massimo "
                    "%(limit)s righe ciascuno.") % {"limit": f"{limit:,}".replace(",", ".")})
            yield line, {name: cells[i] if i < len(cells) else "" for i, name in
                         enumerate(names)}
    except csv.Error as exc:
        raise FileRefused(_("Il CSV non si legge alla riga %(line)s: %(reason)s.")
                          % {"line": line + 1, "reason": exc}) from None
    if count == 0:
        raise FileRefused(_("Il file non ha righe da importare: solo l'intestazione."))


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 - calamine raises its own types for a broken file
        raise FileRefused(_("Il file Excel non si apre: salvalo di nuovo come .xlsx.")) \
            from None
    yield from sheet.iter_rows()


def count_rows(stream: IO[bytes], kind: str) -> int:
    """How many rows the file has (checking it as a whole on the way)."""
    stream.seek(0)
    total = sum(1 for _row in read_rows(stream, kind))
    stream.seek(0)
    return total


# --- cells -----------------------------------------------------------------------------

def _text(value: object, column: str) -> str:
    """A text cell, or ValueError with the reason (Excel turned it into something else)."""
    if type(value) is str:  # every CSV cell: the rest is for XLSX's typed cells
        return " ".join(value.split()) if column != "note" else value.strip()
    if isinstance(value, bool):
        raise ValueError(_("Excel ha letto un valore vero/falso dove serve un testo: "
                           "formatta la colonna come Testo."))
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise ValueError(_("Excel ha trasformato il valore in una data: formatta la colonna "
                           "come Testo e scrivilo di nuovo."))
    if isinstance(value, int | float):
        raise ValueError(_("Excel ha trasformato il valore in un numero (gli zeri iniziali "
                           "si perdono): formatta la colonna come Testo e scrivilo di "
                           "nuovo."))
    return " ".join(str(value or "").split()) if column != "note" else str(value or "").strip()


def parse_amount(value: object) -> int:
    """Euro to cents: 1234,56 · 1.234,56 · 1234.56 · 1,234.56 · a number cell."""
    if isinstance(value, bool):
        raise ValueError(_("Importo non valido."))
    if isinstance(value, int | float):
        amount = Decimal(repr(value))
    else:
        text = str(value or "").strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            raise ValueError(_("Indica l'importo."))
        if _THOUSANDS_DOT.match(text):
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
        elif _PLAIN.match(text):
            text = text.replace(",", ".")
        else:
            raise ValueError(_("Importo non valido: scrivilo come 1234,56 (o 1.234,56)."))
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Importo non valido.")) from None
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise ValueError(_("L'importo ha al massimo due decimali."))
    if amount <= 0:
        raise ValueError(_("L'importo deve essere maggiore di zero."))
    return int(amount * 100)


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(_("Excel ha letto la scadenza come numero: formatta la colonna come "
                           "Data o scrivila come GG/MM/AAAA."))
    text = str(value or "").strip()
    if not text:
        raise ValueError(_("Indica la scadenza (GG/MM/AAAA)."))
    day, _sep, rest = text.partition("/")
    month, _sep, year = rest.partition("/")
    if (day.isascii() and month.isascii() and year.isascii() and 0 < len(day) <= 2
            and 0 < len(month) <= 2 and len(year) == 4
            and (day + month + year).isdigit()):
        try:  # GG/MM/AAAA, the template's own: what strptime would say, ten times faster
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            pass  # 31/02/2026 and the like: strptime's answer below
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Scadenza non valida: scrivila come GG/MM/AAAA (es. 31/12/2026)."))


def parse_installment(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 999:
        raise ValueError(_("La rata è un numero intero da 1 in su (vuota per l'unica "
                           "soluzione)."))
    return int(text)


# --- rows to positions -----------------------------------------------------------------

@dataclass
class _Row:
    line: int
    values: dict[str, object]
    problems: list[Problem]
    text: dict[str, str]
    amount: int | None = None
    due: dt.date | None = None
    installment: int | None = None


def _row(line: int, values: dict[str, object]) -> _Row:
    row = _Row(line, values, [], {})
    for column in COLUMNS:
        if column not in values or column not in TEXT:
            continue
        try:
            row.text[column] = _text(values[column], column)
        except ValueError as exc:
            row.problems.append(Problem(line, column, str(exc)))
            row.text[column] = ""
    for column, parse, attr in (("importo", parse_amount, "amount"),
                                ("scadenza", parse_date, "due"),
                                ("rata", parse_installment, "installment")):
        if column in values:
            try:
                setattr(row, attr, parse(values[column]))
            except ValueError as exc:
                row.problems.append(Problem(line, column, str(exc)))
    return row


def parse_positions(rows: Iterable[tuple[int, dict[str, object]]],
                    organization: Organization) -> Iterator[ParsedPosition]:
    """The file's positions in order, each with its spec or its problems. The Ente's
    services are read now, not at the first position: the rest needs no database, so
    the write job reads on in a thread of its own (``imports.ahead``)."""
    services = {s.code.lower(): s for s in Service.objects.filter(organization=organization)}
    return _parse_positions(rows, services)


def _parse_positions(rows: Iterable[tuple[int, dict[str, object]]],
                     services: dict[str, Service]) -> Iterator[ParsedPosition]:
    seen: set[str] = set()
    group: list[_Row] = []
    ordinal = 0
    for line, values in rows:
        row = _row(line, values)
        reference = row.text.get("riferimento", "")
        if group and reference == group[0].text.get("riferimento", "") and reference:
            group.append(row)
            continue
        if group:
            yield _position(ordinal, group, services, seen)
            ordinal += 1
        group = [row]
    if group:
        yield _position(ordinal, group, services, seen)


def _position(ordinal: int, rows: list[_Row], services: dict[str, Service],
              seen: set[str]) -> ParsedPosition:
    first = rows[0]
    reference = first.text.get("riferimento", "")
    problems = [p for row in rows for p in row.problems]
    lines = [row.line for row in rows]
    if not reference:
        problems.append(Problem(first.line, "riferimento", _("Indica il riferimento.")))
    elif reference in seen:
        problems.append(Problem(first.line, "riferimento", _(
            "Riferimento già usato più sopra: le righe di una posizione devono essere una "
            "dopo l'altra.")))
    seen.add(reference)
    for row in rows[1:]:
        for column in POSITION_COLUMNS:
            if row.text.get(column, "") != first.text.get(column, ""):
                problems.append(Problem(row.line, column, _(
                    "Diverso dalla riga %(line)s della stessa posizione: le righe di una "
                    "posizione ripetono gli stessi dati.") % {"line": first.line}))
    code = first.text.get("servizio", "")
    service = services.get(code.lower())
    if not code:
        problems.append(Problem(first.line, "servizio", _("Indica il codice del servizio.")))
    elif service is None:
        problems.append(Problem(first.line, "servizio", _(
            "Servizio sconosciuto: «%(code)s» non è un codice dei servizi dell'Ente.")
            % {"code": code}))
    elif not service.active:
        problems.append(Problem(first.line, "servizio", _(
            "Il servizio «%(code)s» non è attivo.") % {"code": code}))
    options = _options(rows, problems)
    spec = None
    if not problems:
        text = first.text
        kind = text.get("tipo_soggetto", "").upper()
        name = text.get("cognome_o_ragione_sociale", "")
        if text.get("nome") and kind != "G":
            name = f"{text['nome']} {name}".strip()
        spec = PositionSpec(
            reference=reference,
            debtor=DebtorSpec(
                fiscal_code=text.get("codice_fiscale", ""), full_name=name,
                address=text.get("indirizzo", ""), city=text.get("citta", ""),
                province=text.get("provincia", ""), postal_code=text.get("cap", ""),
                nation=text.get("nazione", ""), email=text.get("email", ""),
                entity_type=kind),
            service=service, causale=text.get("causale", ""), options=options,
            note=text.get("note", ""))
    return ParsedPosition(ordinal, reference, first.line, lines, spec, problems)


def _options(rows: list[_Row], problems: list[Problem]) -> list[OptionSpec]:
    """Rows with the same ``rata`` (empty: the single payment) are the transfers of one
    option: the first to the service's account unless it names an IBAN."""
    by_installment: dict[int | None, list[_Row]] = {}
    for row in rows:
        by_installment.setdefault(row.installment, []).append(row)
    options = []
    for installment, group in by_installment.items():
        if any(r.amount is None or r.due is None for r in group):
            continue
        dues = {r.due for r in group}
        if len(dues) > 1:
            problems.append(Problem(group[1].line, "scadenza", _(
                "Le righe della stessa rata hanno la stessa scadenza.")))
            continue
        if len(group) > 5:
            problems.append(Problem(group[5].line, "rata", _(
                "Al massimo 5 trasferimenti (righe) per rata: questa è la %(n)s.")
                % {"n": len(group)}))
            continue
        transfers = [TransferSpec(amount_cents=r.amount, iban=r.text.get("iban", ""))
                     for r in group]
        options.append(OptionSpec(
            amount_cents=sum(t.amount_cents for t in transfers), due_date=group[0].due,
            installment_number=installment,
            transfers=transfers if len(transfers) > 1 or transfers[0].iban else []))
    return options


#: Which column a message of the domain's checks is about (for the report).
_COLUMN_HINTS = [("codice fiscale / partita IVA", "codice_fiscale"), ("IBAN", "iban"),
                 ("Debitore, tipo", "tipo_soggetto"), ("Debitore, email", "email"),
                 ("Debitore, provincia", "provincia"), ("Debitore, nazione", "nazione"),
                 ("Debitore, CAP", "cap"), ("Debitore, città", "citta"),
                 ("Debitore, indirizzo", "indirizzo"), ("Debitore", "cognome_o_ragione_sociale"),
                 ("scadenz", "scadenza"), ("trasferiment", "importo"), ("mport", "importo"),
                 ("rate", "rata"), ("ausale", "causale"), ("iferimento", "riferimento"),
                 ("ervizio", "servizio"), ("ota", "note")]


def column_of(message: str) -> str:
    for hint, column in _COLUMN_HINTS:
        if hint in message:
            return column
    return ""
