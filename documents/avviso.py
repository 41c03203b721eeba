"""The pagoPA payment notice (avviso di pagamento) as a PDF, after the guide 3.5.x.

The guide's models "devono essere utilizzati obbligatoriamente". Modules in its order, on
A4 with 10 mm margins: 1 Intestazione (repeated on every page); 2.1 Ente Creditore and
2.2 Destinatario; 3.1 Importo e scadenza and 3.2 Dove pagare; 4 Dati per il pagamento:
the Rata unica, then its Bollettino Postale PA when the Ente collects on a postal account,
then the installments in bands of 2 or 3 (one layout for the whole notice, never mixed on
a sheet), each band followed by its bollettini; from ``MANY_INSTALLMENTS`` on, the
"Avviso con molte rate" grid. Fixed texts are the guide's strings (``FIXED`` below),
verbatim; the geometry is ours (the official SVG models are not copied).

Duplex: the guide allows printing on both sides of a sheet provided the paper keeps the
QR code readable. Every page therefore carries the whole header, and a payment section
is never split across pages, so each side of a sheet can be read and paid on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from pagopa.identifiers import format_notice_number
from pagopa.qr import qr_payload

from . import _format as fmt
from ._pdf import BLUE, FILL, GREY, DocPDF, datamatrix_matrix, qr_matrix
from .data import MANY_INSTALLMENTS, InstallmentInfo, NoticeInfo

QR_SIZE = 25.0  # mm, as the guide prescribes for the QR code and the data matrix
QR_VERSION = 4  # 33x33 modules: the 52-character payload fits version 4-M exactly
MARGIN = 10.0  # the guide's models keep 10 mm outer margins
LOGO_BOX = 30.0  # ENTE.LOGO: 30x30 mm, leaning on the top right corner
GAP = 6.0  # at least 6 mm between modules
AUTHORISATION_INK = (77, 77, 77)  # the Poste authorisation: 70% black, not full black


class FIXED:
    """The guide's fixed strings (Allegato 1, "Stringhe dei testi fissi"; Dove pagare):
    "Non alterare il resto del testo". Placeholders in braces."""

    TITLE = "Avviso di pagamento"
    ENTE = "Ente Creditore"
    DEBTOR = "Destinatario"
    HOW_MUCH = "Quanto e quando pagare?"
    HOW_MUCH_NO_DUE = "Quanto pagare?"  # variant "Avviso senza scadenza"
    DUE = "entro il"
    RATES = "Puoi pagare per intero o in {n} rate"
    ONLY_RATES = "Puoi pagare in {n} rate"
    # Not in the guide, which has no model for a plan already partly paid: printing
    # "Puoi pagare in 2 rate" above Rata 2 and Rata 3 would read as a plan of two.
    REMAINING_RATES = "Restano da pagare {n} rate, dalla rata {first}"
    MANY_RATES = "Importi e scadenze sono riportati nel dettaglio di ogni singola rata."
    LEGAL = ("In fase di pagamento, se previsto dall’ente, l'importo potrebbe essere "
             "aggiornato automaticamente e subire variazioni in diminuzione (per sgravi, note "
             "di credito) o in aumento (per sanzioni, interessi, ecc.).")
    WHERE = "Dove pagare?"
    APP_IO = "PAGA CON L'APP IO"
    ONLINE_SITE = ("oppure sul sito di {ente}, dal tuo Home Banking, con la tua app di "
                   "pagamento o con gli altri canali abilitati.")
    ONLINE = ("oppure dal tuo Home Banking, con la tua app di pagamento o con gli altri "
              "canali abilitati.")
    TERRITORY = "PAGA SUL TERRITORIO"
    TERRITORY_TEXT = ("presso Banche e Sportelli ATM, negli Uffici Postali e Punti Postali, "
                      "nei Bar, Edicole, Ricevitorie, Supermercati, Tabaccherie, e altri "
                      "Esercenti Convenzionati.")
    CTA = "vai su pagopa.gov.it"
    PAYMENT_DATA = "Dati per il pagamento"
    SINGLE = "Rata unica"
    RATE = "Rata {n}"
    QR_SINGLE = "Inquadra il codice QR con la tua app di pagamento o usa i dati accanto."
    QR_RATES = "Inquadra il codice QR con la tua app di pagamento o usa i dati sopra."
    LABEL_ENTE = "Ente Creditore"
    LABEL_DEBTOR = "Destinatario"
    LABEL_SUBJECT = "Oggetto del pagamento"
    LABEL_CBILL = "Cod. CBILL"
    LABEL_NOTICE = "Cod. Avviso"
    LABEL_ENTE_CF = "Cod. Fiscale Ente"
    POSTAL = "BOLLETTINO POSTALE PA"
    POSTAL_ACCOUNT = "sul C/C n."
    POSTAL_HOLDER = "intestato a"
    POSTAL_TYPE = "Tipo"


def render_notice(info: NoticeInfo) -> bytes:
    """Render the avviso di pagamento; returns the PDF file content."""
    subject = fmt.sentence_case(info.subject.strip())
    pdf = DocPDF(
        title=f"Avviso di pagamento - {subject}",
        author=info.ente.name,
        subject=subject,
    )
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.footer_y = -MARGIN - 4.5
    _Notice(pdf, info, subject).render()
    return bytes(pdf.output())


def _plans(rates: Sequence[InstallmentInfo]) -> list[list[InstallmentInfo]]:
    """The installments grouped by plan, in order: plans are alternatives, never mixed."""
    groups: dict[int, list[InstallmentInfo]] = {}
    for item in rates:
        groups.setdefault(item.plan, []).append(item)
    return list(groups.values())


def _plan_note(plan: list[InstallmentInfo], template: str) -> str:
    """The guide's "in N rate" for a whole plan; for a plan partly paid (its first printed
    installment is not number 1), how many are left and from which one."""
    first = plan[0].number
    if first and first > 1:  # (a last single installment prints as the notice's payment)
        return FIXED.REMAINING_RATES.format(n=len(plan), first=first)
    return template.format(n=len(plan))


def _per_band(count: int) -> int:
    """Installments side by side: 3 when the count is a multiple of 3 or odd (a last band
    of the same layout may be short), else 2: one layout for the whole notice."""
    return 3 if count % 3 == 0 or count % 2 else 2


def _due(item: InstallmentInfo) -> str:
    return f"{FIXED.DUE} {fmt.format_date(item.due_date)}" if item.due_date else ""


def _title(item: InstallmentInfo, number: int | None) -> str:
    """'Rata unica', 'Rata 2' (or the item's own label), with its due date when it has one."""
    name = item.label or (FIXED.RATE.format(n=number) if number else FIXED.SINGLE)
    due = _due(item)
    return f"{name} {due}" if due else name


class _Notice:
    """Layout state for one notice; methods draw one module each and return the y below."""

    def __init__(self, pdf: DocPDF, info: NoticeInfo, subject: str) -> None:
        self.pdf = pdf
        self.info = info
        self.subject = subject
        self.left = MARGIN
        self.width = pdf.w - 2 * MARGIN
        self.bottom = pdf.h - MARGIN - 6  # above the page number
        self.postal = info.ente.postal_account

    # -- structure ------------------------------------------------------------------

    def render(self) -> None:
        self.pdf.add_page()
        y = self.header()
        y = self.parties(y + GAP)
        y = self.amount_and_where(y + GAP)
        y = self.payment_title(y + GAP)
        rates = self.info.installments
        single = self.info.single_payment
        if single is not None:
            y = self.ensure_room(y, 62)
            y = self.single_section(y, single)
            if self.postal is not None:
                y = self.ensure_room(y + 4, 66)
                y = self.postal_section(y, single)
        if not rates:
            return
        for index, plan in enumerate(_plans(rates)):
            if single is not None or index:  # each plan on its own pages, after Rata unica
                y = self.new_page()
            if len(plan) >= MANY_INSTALLMENTS:
                y = self.many_rates(y, plan)
                if self.postal is not None:
                    y = self.rate_bands(self.new_page(), plan, 3, bank=False)
            else:
                y = self.rate_bands(y, plan, _per_band(len(plan)), bank=True)

    def new_page(self) -> float:
        self.pdf.add_page()
        return self.header() + GAP

    def ensure_room(self, y: float, needed: float) -> float:
        """A new page (with the header) when ``needed`` mm do not fit below ``y``."""
        return y if y + needed <= self.bottom else self.new_page()

    # -- 1 Intestazione -------------------------------------------------------------

    def header(self) -> float:
        """The title, the oggetto and the Ente's logo; on every page (the guide's rule)."""
        pdf, info = self.pdf, self.info
        top = MARGIN
        has_logo = bool(info.ente.logo_png)
        text_w = self.width - (LOGO_BOX + 6 if has_logo else 0)
        logo_h = pdf.logo(info.ente.logo_png, self.left + self.width - LOGO_BOX, top,
                          LOGO_BOX, LOGO_BOX, align_right=True)
        x = self.left
        if info.pagopa_mark_png:
            pdf.logo(info.pagopa_mark_png, x, top, 22, 7)
            x += 25
        pdf.font(10, "semibold", BLUE)
        pdf.text_at(x, top, text_w - (x - self.left), 6, FIXED.TITLE)
        y = pdf.fit_block(self.left, top + 8, text_w, self.subject, 17, weight="bold",
                          max_lines=2, min_size=12)
        y = max(y, top + logo_h) + 2
        pdf.rule(y)
        return y

    # -- 2 Ente Creditore, Destinatario ----------------------------------------------

    def parties(self, y: float) -> float:
        pdf, ente, debtor = self.pdf, self.info.ente, self.info.debtor
        col = (self.width - 8) / 2
        x1, x2 = self.left, self.left + col + 8

        pdf.font(10, "bold", BLUE)
        pdf.text_at(x1, y, col, 5, FIXED.ENTE)
        pdf.text_at(x2, y, col, 5, FIXED.DEBTOR)

        ya = pdf.fit_block(x1, y + 6, col, ente.name, 12, weight="bold", max_lines=2,
                           min_size=8, shared=True)
        if ente.sector:
            ya = pdf.fit_block(x1, ya + 0.5, col, ente.sector, 9, max_lines=2, min_size=7.5,
                               shared=True)
        pdf.font(9)
        pdf.text_at(x1, ya + 0.5, col, 4.5, f"Codice fiscale {ente.fiscal_code}")
        ya += 5
        info_text = " · ".join(v for v in (ente.website, ente.email, ente.pec, ente.phone) if v)
        if info_text:
            ya = pdf.fit_block(x1, ya + 0.5, col, info_text, 8.5, color=GREY, max_lines=3,
                               min_size=7, shared=True)

        yb = pdf.fit_block(x2, y + 6, col, debtor.full_name, 12, weight="bold", max_lines=2,
                           min_size=8)
        pdf.font(9)
        cf = debtor.fiscal_code.upper() if debtor.fiscal_code else ""
        if cf:
            pdf.text_at(x2, yb + 0.5, col, 4.5, f"Codice fiscale {cf}")
            yb += 5
        for line in debtor.address_lines[:3]:
            yb = pdf.fit_block(x2, yb + 0.5, col, line, 9, max_lines=2, min_size=7)
        return max(ya, yb)

    # -- 3 Importo e scadenza, Dove pagare --------------------------------------------

    def amount_and_where(self, y: float) -> float:
        """Two columns on a light band; the band grows with the texts (long Ente names)."""
        pdf = self.pdf
        pad = 4.0
        col = (self.width - 3 * pad) / 2
        x1, x2 = self.left + pad, self.left + 2 * pad + col
        amount_cents, due, notes = self._headline()
        online = (FIXED.ONLINE_SITE.format(ente=self.info.ente.name)
                  if self.info.payable_on_ente_site else FIXED.ONLINE)
        # Every text of this module is the guide's or the Ente's: shared=True (see DocPDF._wrap).
        left_h = 5 + 10 + (6 if due else 0) + sum(
            pdf.fit_height(n, col, 9, max_lines=4, shared=True) + 1.5 for n in notes)
        left_h += pdf.fit_height(FIXED.LEGAL, col, 7.5, max_lines=4, shared=True) + 2
        right_h = (5 + 5 + pdf.fit_height(online, col, 9, max_lines=6, shared=True) + 2 + 5
                   + pdf.fit_height(FIXED.TERRITORY_TEXT, col, 9, max_lines=4, shared=True)
                   + 2 + 5)
        height = max(left_h, right_h) + 2 * pad
        pdf.set_fill_color(*FILL)
        pdf.rect(self.left, y, self.width, height, style="F")

        top = y + pad
        items = [*filter(None, [self.info.single_payment]), *self.info.installments]
        dated = any(item.due_date for item in items)
        pdf.font(10, "bold", BLUE)
        pdf.text_at(x1, top, col, 5, FIXED.HOW_MUCH if dated else FIXED.HOW_MUCH_NO_DUE)
        pdf.font(20, "bold")
        pdf.text_at(x1, top + 5.5, col, 9, fmt.euro_text(amount_cents))
        yy = top + 15
        if due:
            pdf.font(11, "semibold")
            pdf.text_at(x1, yy, col, 5, f"{FIXED.DUE} {fmt.format_date(due)}")
            yy += 6
        for note in notes:
            yy = pdf.fit_block(x1, yy, col, note, 9, max_lines=4, shared=True) + 1.5
        pdf.fit_block(x1, yy + 0.5, col, FIXED.LEGAL, 7.5, color=GREY, max_lines=4,
                      shared=True)

        pdf.font(10, "bold", BLUE)
        pdf.text_at(x2, top, col, 5, FIXED.WHERE)
        pdf.font(9.5, "bold")
        pdf.text_at(x2, top + 5.5, col, 4.5, FIXED.APP_IO)
        yy = pdf.fit_block(x2, top + 10, col, online, 9, max_lines=6, shared=True)
        pdf.font(9.5, "bold")
        pdf.text_at(x2, yy + 2, col, 4.5, FIXED.TERRITORY)
        yy = pdf.fit_block(x2, yy + 6.5, col, FIXED.TERRITORY_TEXT, 9, max_lines=4,
                           shared=True)
        pdf.font(8.5, "semibold", BLUE)
        pdf.text_at(x2, yy + 2, col, 4.5, FIXED.CTA)
        return y + height

    def _headline(self) -> tuple[int, object, list[str]]:
        """Amount, due date and the guide's AVVISO.RATE.INFO texts for module 3."""
        single, rates = self.info.single_payment, self.info.installments
        template = FIXED.RATES if single is not None else FIXED.ONLY_RATES
        notes = list(dict.fromkeys(_plan_note(plan, template) for plan in _plans(rates)))
        if single is not None:
            return single.amount_cents, single.due_date, notes
        notes += [FIXED.MANY_RATES]
        # Several plans and no single payment: the first plan's total (each count above).
        return sum(r.amount_cents for r in _plans(rates)[0]), None, notes

    # -- 4 Dati per il pagamento --------------------------------------------------------

    def payment_title(self, y: float) -> float:
        self.pdf.font(12, "bold", BLUE)
        self.pdf.text_at(self.left, y, self.width, 6, FIXED.PAYMENT_DATA)
        return y + 8

    def _section_head(self, x: float, y: float, w: float, kind: str | None, title: str,
                      amount_cents: int, amount_size: float = 15) -> float:
        """Kind (e.g. BOLLETTINO POSTALE PA), 'Rata unica entro il …' and the amount."""
        pdf = self.pdf
        if kind:
            pdf.font(8, "bold", BLUE)
            pdf.text_at(x, y, w, 4, kind)
            y += 4.5
        pdf.font(amount_size, "bold")
        amount = fmt.euro_text(amount_cents)
        amount_w = pdf.get_string_width(amount) + 1
        pdf.text_at(x + w - amount_w, y, amount_w, 7, amount, align="R")
        pdf.font(11, "bold")
        pdf.text_at(x, y + 0.8, w - amount_w - 2, 6, title)
        return y + 8.5

    def _frame(self, x: float, y: float, w: float, h: float) -> None:
        self.pdf.set_draw_color(*BLUE)
        self.pdf.set_line_width(0.4)
        self.pdf.rect(x, y, w, h)

    def single_section(self, y: float, item: InstallmentInfo) -> float:
        """Rata unica: QR at the left, then the payer-facing data and the codes."""
        pdf, ente = self.pdf, self.info.ente
        pad = 4.0
        x, w = self.left + pad, self.width - 2 * pad
        top = self._section_head(x, y + pad, w, None, _title(item, None), item.amount_cents)
        pdf.draw_matrix(qr_matrix(self._qr_payload(item), version=QR_VERSION), x, top,
                        QR_SIZE)
        xm = x + QR_SIZE + 6
        col = (w - QR_SIZE - 12) / 2
        pdf.fit_block(xm, top, col, FIXED.QR_SINGLE, 8, color=GREY, max_lines=2, shared=True)
        yy = pdf.label_value(xm, top + 8, col, FIXED.LABEL_DEBTOR, self.info.debtor.full_name,
                             max_lines=2, whole=True)
        yy = pdf.label_value(xm, yy + 1, col, FIXED.LABEL_ENTE, ente.name, max_lines=2,
                             whole=True, shared=True)
        yy = pdf.label_value(xm, yy + 1, col, FIXED.LABEL_SUBJECT,
                             item.description or self.subject, max_lines=2, whole=True)
        xr = xm + col + 6
        zz = top
        if ente.cbill:
            zz = pdf.label_value(xr, zz, col, FIXED.LABEL_CBILL, ente.cbill.upper(),
                                 value_weight="mono") + 1
        zz = pdf.label_value(xr, zz, col, FIXED.LABEL_NOTICE,
                             format_notice_number(item.notice_number), size=11,
                             value_weight="mono")
        zz = pdf.label_value(xr, zz + 1, col, FIXED.LABEL_ENTE_CF, ente.fiscal_code,
                             value_weight="mono")
        bottom = max(top + QR_SIZE, yy, zz) + pad
        self._frame(self.left, y, self.width, bottom - y)
        return bottom

    def postal_section(self, y: float, item: InstallmentInfo, number: int | None = None
                       ) -> float:
        """Full-width Bollettino Postale PA, right after the section it pays."""
        pdf, ente, account = self.pdf, self.info.ente, self.postal
        assert account is not None
        pad = 4.0
        x, w = self.left + pad, self.width - 2 * pad
        top = self._section_head(x, y + pad, w, FIXED.POSTAL, _title(item, number),
                                 item.amount_cents)
        self._datamatrix(x, top, item)
        xm = x + QR_SIZE + 6
        col = (w - QR_SIZE - 12) / 2
        yy = pdf.label_value(xm, top, col, FIXED.POSTAL_ACCOUNT, account.number, size=11,
                             value_weight="mono")
        yy = pdf.label_value(xm, yy + 1, col, FIXED.POSTAL_HOLDER, account.holder,
                             max_lines=2, whole=True, shared=True)
        yy = pdf.label_value(xm, yy + 1, col, FIXED.LABEL_DEBTOR, self.info.debtor.full_name,
                             max_lines=2, whole=True)
        yy = pdf.label_value(xm, yy + 1, col, FIXED.LABEL_SUBJECT,
                             item.description or self.subject, max_lines=2, whole=True)
        xr = xm + col + 6
        zz = pdf.label_value(xr, top, col, FIXED.LABEL_NOTICE,
                             format_notice_number(item.notice_number), size=11,
                             value_weight="mono")
        zz = pdf.label_value(xr, zz + 1, col, FIXED.POSTAL_TYPE, "P1")
        zz = pdf.label_value(xr, zz + 1, col, FIXED.LABEL_ENTE_CF, ente.fiscal_code,
                             value_weight="mono")
        bottom = max(top + QR_SIZE, yy, zz)
        if account.authorisation_code:
            bottom = pdf.fit_block(x, bottom + 1.5, w, account.authorisation_code, 7,
                                   color=AUTHORISATION_INK, max_lines=2, shared=True)
        bottom += pad
        self._frame(self.left, y, self.width, bottom - y)
        return bottom

    # -- installments (2..9): bands of 2 or 3 -----------------------------------------------

    def rate_bands(self, y: float, rates: Sequence[InstallmentInfo], per_band: int, *,
                   bank: bool) -> float:
        """Bands of ``per_band`` installments (the same layout on every sheet); each bank
        band is followed by the bollettini of the same installments when there is a
        postal account (``bank=False``: bollettini only, for the many-installments grid)."""
        gap = 4.0
        col = (self.width - gap * (per_band - 1)) / per_band
        for start in range(0, len(rates), per_band):
            chunk = rates[start : start + per_band]
            if bank:
                y = self.ensure_room(y, 100)
                bottoms = [self.rate_cell(self.left + i * (col + gap), y, col, item,
                                          start + i + 1, with_debtor=per_band == 2)
                           for i, item in enumerate(chunk)]
                y = max(bottoms) + GAP
            if self.postal is not None:
                y = self.ensure_room(y, 120)
                bottoms = [self.rate_postal_cell(self.left + i * (col + gap), y, col, item,
                                                 start + i + 1)
                           for i, item in enumerate(chunk)]
                y = max(bottoms) + GAP
        return y

    def rate_cell(self, x: float, y: float, w: float, item: InstallmentInfo, number: int,
                  *, with_debtor: bool) -> float:
        """One installment: title, amount, the codes ("i dati sopra"), then the QR."""
        pdf, ente = self.pdf, self.info.ente
        pad = 3.5
        inner = w - 2 * pad
        xi = x + pad
        pdf.font(11, "bold")
        pdf.text_at(xi, y + pad, inner, 5.5, item.label or FIXED.RATE.format(n=number))
        pdf.font(9, "semibold")
        pdf.text_at(xi, y + pad + 5.5, inner, 4.5, _due(item))
        pdf.font(15, "bold")
        pdf.text_at(xi, y + pad + 10.5, inner, 7, fmt.euro_text(item.amount_cents))
        yy = y + pad + 19
        if with_debtor:
            yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_DEBTOR, self.info.debtor.full_name,
                                 max_lines=2, whole=True) + 1
        if ente.cbill:
            yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_CBILL, ente.cbill.upper(),
                                 value_weight="mono") + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_NOTICE,
                             format_notice_number(item.notice_number), size=10.5,
                             value_weight="mono") + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_ENTE_CF, ente.fiscal_code,
                             value_weight="mono") + 2
        pdf.draw_matrix(qr_matrix(self._qr_payload(item), version=QR_VERSION), xi, yy,
                        QR_SIZE)
        note_w = inner - QR_SIZE - 3
        pdf.fit_block(xi + QR_SIZE + 3, yy, note_w, FIXED.QR_RATES, 7.5, color=GREY,
                      max_lines=6, min_size=6.5, shared=True)
        bottom = yy + QR_SIZE + pad
        self._frame(x, y, w, bottom - y)
        return bottom

    def rate_postal_cell(self, x: float, y: float, w: float, item: InstallmentInfo,
                         number: int) -> float:
        """One installment's Bollettino Postale PA."""
        pdf, ente, account = self.pdf, self.info.ente, self.postal
        assert account is not None
        pad = 3.5
        inner = w - 2 * pad
        xi = x + pad
        pdf.font(8, "bold", BLUE)
        pdf.text_at(xi, y + pad, inner, 4, FIXED.POSTAL)
        pdf.font(11, "bold")
        pdf.text_at(xi, y + pad + 4.5, inner, 5.5, item.label or FIXED.RATE.format(n=number))
        pdf.font(9, "semibold")
        pdf.text_at(xi, y + pad + 10, inner, 4.5, _due(item))
        pdf.font(14, "bold")
        pdf.text_at(xi, y + pad + 14.5, inner, 7, fmt.euro_text(item.amount_cents))
        self._datamatrix(xi, y + pad + 23, item)
        yy = y + pad + 23 + QR_SIZE + 2
        yy = pdf.label_value(xi, yy, inner, FIXED.POSTAL_ACCOUNT, account.number,
                             value_weight="mono") + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.POSTAL_HOLDER, account.holder, max_lines=2,
                             whole=True, shared=True) + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_NOTICE,
                             format_notice_number(item.notice_number), size=10,
                             value_weight="mono") + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.POSTAL_TYPE, "P1") + 1
        yy = pdf.label_value(xi, yy, inner, FIXED.LABEL_ENTE_CF, ente.fiscal_code,
                             value_weight="mono")
        if account.authorisation_code:
            yy = pdf.fit_block(xi, yy + 1.5, inner, account.authorisation_code, 6.5,
                               color=AUTHORISATION_INK, max_lines=3, min_size=6, shared=True)
        bottom = yy + pad
        self._frame(x, y, w, bottom - y)
        return bottom

    # -- many installments (>= MANY_INSTALLMENTS): the compact grid --------------------------

    def many_rates(self, y: float, rates: Sequence[InstallmentInfo]) -> float:
        """"Avviso con molte rate": three compact installments per row, rows until the
        page is full, then the next page (each with the header)."""
        per_row, gap, height = 3, 3.0, 40.0
        col = (self.width - gap * (per_row - 1)) / per_row
        for start in range(0, len(rates), per_row):
            y = self.ensure_room(y, height)
            for i, item in enumerate(rates[start : start + per_row]):
                self.compact_cell(self.left + i * (col + gap), y, col, height, item,
                                  start + i + 1)
            y += height + gap
        return y

    def compact_cell(self, x: float, y: float, w: float, h: float, item: InstallmentInfo,
                     number: int) -> None:
        """QR (25 mm, as everywhere) at the left, the installment beside it, its codice
        avviso below."""
        pdf, ente = self.pdf, self.info.ente
        pad = 3.0
        inner = w - 2 * pad
        xi = x + pad
        pdf.draw_matrix(qr_matrix(self._qr_payload(item), version=QR_VERSION), xi, y + pad,
                        QR_SIZE)
        xs, side = xi + QR_SIZE + 2.5, inner - QR_SIZE - 2.5
        pdf.font(10, "bold")
        pdf.text_at(xs, y + pad, side, 4.5, item.label or FIXED.RATE.format(n=number))
        pdf.font(8, "semibold")
        pdf.text_at(xs, y + pad + 4.5, side, 4, _due(item))
        pdf.font(10, "bold")
        pdf.text_at(xs, y + pad + 8.5, side, 5, fmt.euro_text(item.amount_cents))
        zz = pdf.label_value(xs, y + pad + 14, side, FIXED.LABEL_ENTE_CF, ente.fiscal_code,
                             size=7.5, value_weight="mono")
        if ente.cbill:
            pdf.label_value(xs, zz, side, FIXED.LABEL_CBILL, ente.cbill.upper(), size=7.5,
                            value_weight="mono")
        pdf.label_value(xi, y + pad + QR_SIZE + 0.5, inner, FIXED.LABEL_NOTICE,
                        format_notice_number(item.notice_number), size=9.5,
                        value_weight="mono")
        self._frame(x, y, w, h)

    # -- codes -----------------------------------------------------------------------------

    def _qr_payload(self, item: InstallmentInfo) -> str:
        return qr_payload(item.notice_number, self.info.ente.fiscal_code, item.amount_cents)

    def _dm_payload(self, item: InstallmentInfo) -> str:
        ente, debtor = self.info.ente, self.info.debtor
        assert ente.postal_account is not None
        return fmt.poste_datamatrix_payload(
            item.notice_number, ente.postal_account.number, item.amount_cents,
            ente.fiscal_code, debtor.fiscal_code, debtor.full_name,
            item.description or self.subject,
        )

    def _datamatrix(self, x: float, y: float, item: InstallmentInfo) -> None:
        """Poste data matrix, or a visible note when no encoder is available.

        The payload layout is the de-facto one (see ``_format.poste_datamatrix_payload``):
        TO BE CONFIRMED against Poste Italiane's "Manuale della stampa in proprio",
        also for the symbol size (we print it at 25x25 mm like the QR code).
        """
        pdf = self.pdf
        matrix = datamatrix_matrix(self._dm_payload(item))
        if matrix is not None:
            pdf.draw_matrix(matrix, x, y, QR_SIZE)
            return
        pdf.set_draw_color(*GREY)
        pdf.rect(x, y, QR_SIZE, QR_SIZE)
        pdf.font(7, "regular", GREY)
        pdf.block_at(x + 1, y + 6, QR_SIZE - 2, 3.2,
                     "Codice data matrix non disponibile: usa i dati qui accanto.", 5,
                     shared=True)
