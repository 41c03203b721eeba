"""The payer's lists: one row per payment option of the account's positions.

Both lists are one query each whatever their length (debtor, service and the number of
installments come in the same query), so a payer with many positions costs no more
queries than one with a few.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from pagopa.money import cents_to_decimal_str
from positions.access import account_positions
from positions.models import PaymentOption

HISTORY_PAGE_SIZE = 25
HOME_PAGE_SIZE = 25  # Da Pagare
# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _installments_total():
    """How many installments the option's position has (for "Rata 2 di 3")."""
    return Coalesce(Subquery(
        PaymentOption.objects.filter(position=OuterRef("position"),
                                     installment_number__isnull=False)
        .order_by().values("position").annotate(n=Count("pk")).values("n")[:1]
    ), 0)


def account_options(user, organization) -> QuerySet[PaymentOption]:
    """Every option of the positions listed in the account, ready for a table row."""
    return (PaymentOption.objects
            .filter(position__in=account_positions(user, organization).values("pk"))
            .select_related("position__debtor", "position__service")
            .annotate(installments_total=_installments_total()))


def payable_rows(user, organization) -> QuerySet[PaymentOption]:
    """*Da Pagare*: the options still payable, the soonest due first."""
    return (account_options(user, organization)
            .filter(status=PaymentOption.Status.UNPAID)
            .order_by(F("due_date").asc(nulls_last=True), "position__causale",
                      "installment_number", "pk"))


def history_rows(user, organization, filters: dict) -> QuerySet[PaymentOption]:
    """*Storico Pratiche*: every option of the account, filtered by the history form's
    cleaned data; the latest payments first, then by due date."""
    rows = account_options(user, organization)
    if filters.get("servizio"):
        rows = rows.filter(position__service=filters["servizio"])
    if filters.get("stato"):
        rows = rows.filter(status=filters["stato"])
    if filters.get("da_data"):
        rows = rows.filter(paid_at__date__gte=filters["da_data"])
    if filters.get("a_data"):
        rows = rows.filter(paid_at__date__lte=filters["a_data"])
    reference = (filters.get("riferimento") or "").strip()
    if reference:
        compact = reference.replace(" ", "")
        rows = rows.filter(Q(position__external_reference__icontains=reference)
                           | Q(iuv=compact) | Q(notice_number=compact))
    return rows.order_by(F("paid_at").desc(nulls_last=True),
                         F("due_date").desc(nulls_last=True), "-pk")


def position_options(position) -> list[PaymentOption]:
    """A position's options for its own page, each knowing the number of installments."""
    options = list(position.options.order_by("installment_number", "due_date", "pk"))
    total = sum(1 for option in options if option.installment_number)
    for option in options:
        option.installments_total = total
    return options


def installment_label(option: PaymentOption) -> str:
    if not option.installment_number:
        return ""
    total = getattr(option, "installments_total", 0)
    return _("Rata %(n)s di %(total)s") % {"n": option.installment_number, "total": total}


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that Excel or LibreOffice will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_code(digits: str) -> str:
    """An IUV or codice avviso that Excel keeps as text: ``="0123…"``.

    Excel reads a bare 18-digit cell as a number, drops the leading zeros and rounds it
    to 15 significant digits; an apostrophe would be shown. The ``="…"`` cell is the form
    both Excel and LibreOffice show as the text itself. Only for a value of digits, which
    is all these codes are (anything else goes through spreadsheet_safe)."""
    return f'="{digits}"' if digits and digits.isdigit() else spreadsheet_safe(digits)


CSV_HEADER = (pgettext_lazy("intestatario della pratica", "Nome"), _lazy("Codice fiscale"),
              _lazy("Servizio"), _lazy("Causale"),
              _lazy("Rata"), _lazy("Stato"), _lazy("Data scadenza"), _lazy("Data pagamento"),
              _lazy("Riferimento pratica"), _lazy("IUV"), _lazy("Codice avviso"),
              _lazy("Importo (EUR)"))


def write_history_csv(stream, rows: Iterable[PaymentOption]) -> None:
    """The history as a spreadsheet for Italian Excel: UTF-8 with a byte-order mark and
    ``;`` between cells (Excel in Italian reads both without an import wizard), dates
    ``gg/mm/aaaa``, amounts with a decimal comma and no currency sign, IUV and codice
    avviso as text (spreadsheet_code)."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(h) for h in CSV_HEADER])
    for option in rows:
        position = option.position
        paid_at = timezone.localtime(option.paid_at) if option.paid_at else None
        cells = [spreadsheet_safe(v) for v in (
            position.debtor.full_name, position.debtor.fiscal_code, position.service.name,
            position.causale, installment_label(option), option.get_status_display(),
            option.due_date.strftime("%d/%m/%Y") if option.due_date else "",
            paid_at.strftime("%d/%m/%Y %H:%M") if paid_at else "",
            position.external_reference)]
        cells += [spreadsheet_code(option.iuv), spreadsheet_code(option.notice_number),
                  cents_to_decimal_str(option.amount_cents).replace(".", ",")]
        writer.writerow(cells)
