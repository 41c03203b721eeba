"""The pagoPA payment notice (avviso di pagamento) as a PDF.

Modules follow the order of the pagoPA notice guide: 1 Intestazione; 2 Ente creditore and
Destinatario; 3 Importo e scadenza and Dove pagare; 4 Dati per il pagamento (single
payment, then installments, then the Bollettino Postale PA when the Ente collects on a
postal account). Geometry is ours, not a copy of the official templates.
"""

from __future__ import annotations

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro
from pagopa.qr import qr_payload

from . import _format as fmt
from ._pdf import BLUE, FILL, GREY, DocPDF, datamatrix_matrix, qr_matrix
from .data import InstallmentInfo, NoticeInfo

QR_SIZE = 25.0  # mm, as the guide prescribes for the QR code and the data matrix
QR_VERSION = 4  # 33x33 modules: the 52-character payload fits version 4-M exactly


def render_notice(info: NoticeInfo) -> bytes:
    """Render the avviso di pagamento; returns the PDF file content."""
    subject = fmt.sentence_case(info.subject.strip())
    pdf = DocPDF(
        title=f"Avviso di pagamento - {subject}",
        author=info.ente.name,
        subject=subject,
    )
    notice = _Notice(pdf, info, subject)
    notice.render()
    return bytes(pdf.output())


class _Notice:
    """Layout state for one notice; methods draw one module each."""

    def __init__(self, pdf: DocPDF, info: NoticeInfo, subject: str) -> None:
        self.pdf = pdf
        self.info = info
        self.subject = subject
        self.left = pdf.l_margin
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    # -- page 1 -------------------------------------------------------------------

    def render(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        y = self.header(full=True)
        y = self.parties(y + 3)
        y = self.amount_and_where(y + 4)
        y = self.payment_intro(y + 4)
        single = self.info.single_payment
        if single is not None:
            y = self.ensure_room(y, 52)
            # A lone remaining installment travels as the single payment with its label.
            title = single.label or "Rata unica"
            y = self.bank_section(y, single, title=title)
            if self.info.ente.postal_account is not None:
                y = self.ensure_room(y + 4, 56)
                y = self.postal_section(y, single, title=title)
        elif self.info.installments:
            pdf.font(9)
            pdf.block_at(self.left, y, self.width, 4.5,
                         f"Il pagamento è diviso in {len(self.info.installments)} rate: i dati "
                         "di ciascuna rata sono nelle pagine seguenti.", 2)
        self.installment_pages()

    def ensure_room(self, y: float, needed: float) -> float:
        """Start a new page (with the repeated header) if ``needed`` mm do not fit."""
        if y + needed <= self.pdf.h - 16:
            return y
        self.pdf.add_page()
        return self.header(full=False) + 4

    def header(self, *, full: bool) -> float:
        """Module 1: the oggetto (repeated on every page) and the Ente logo."""
        pdf, info = self.pdf, self.info
        top = pdf.t_margin
        logo_w = 38.0
        has_logo = bool(info.ente.logo_png)
        text_w = self.width - (logo_w + 4 if has_logo else 0)
        pdf.logo(info.ente.logo_png, self.left + self.width - logo_w, top, logo_w,
                 20 if full else 12, align_right=True)
        pdf.font(8, "semibold", BLUE)
        pdf.text_at(self.left, top, text_w, 4, "AVVISO DI PAGAMENTO")
        if full:
            pdf.font(17, "bold")
            y = pdf.block_at(self.left, top + 5, text_w, 7.5, self.subject, 3)
            y = max(y, top + (21 if has_logo else 0))
        else:
            pdf.font(11, "bold")
            y = pdf.block_at(self.left, top + 4.5, text_w, 5, self.subject, 2)
            y = max(y, top + (13 if has_logo else 0))
        pdf.rule(y + 2)
        return y + 2

    def parties(self, y: float) -> float:
        """Module 2: Ente creditore (left) and Destinatario (right)."""
        pdf, ente, debtor = self.pdf, self.info.ente, self.info.debtor
        col = (self.width - 8) / 2
        x1, x2 = self.left, self.left + col + 8

        pdf.font(8, "semibold", BLUE)
        pdf.text_at(x1, y, col, 4, "ENTE CREDITORE")
        pdf.text_at(x2, y, col, 4, "DESTINATARIO AVVISO")

        pdf.font(9)
        pdf.text_at(x1, y + 5, col, 4.5, f"Codice fiscale {ente.fiscal_code}")
        pdf.font(12, "bold")
        ya = pdf.block_at(x1, y + 10, col, 5.2, ente.name, 2)
        pdf.font(9)
        if ente.sector:
            ya = pdf.block_at(x1, ya, col, 4.3, ente.sector, 2)
        contacts = [
            ("Sito", ente.website), ("Email", ente.email), ("PEC", ente.pec),
            ("Telefono", ente.phone),
        ]
        pdf.font(8.5, "regular", GREY)
        for label, value in contacts:
            if value:
                pdf.text_at(x1, ya, col, 4, f"{label}: {value}")
                ya += 4

        pdf.font(9)
        cf = debtor.fiscal_code.upper() if debtor.fiscal_code else "non disponibile"
        pdf.text_at(x2, y + 5, col, 4.5, f"Codice fiscale {cf}")
        pdf.font(12, "bold")
        yb = pdf.block_at(x2, y + 10, col, 5.2, debtor.full_name, 2)
        pdf.font(9)
        for line in debtor.address_lines[:3]:
            yb = pdf.block_at(x2, yb, col, 4.3, line, 1)
        return max(ya, yb)

    def amount_and_where(self, y: float) -> float:
        """Module 3: how much and when (left), where to pay (right), on a light band."""
        pdf, info = self.pdf, self.info
        height = 47.0
        pdf.set_fill_color(*FILL)
        pdf.rect(self.left, y, self.width, height, style="F")
        pad = 4.0
        col = (self.width - 3 * pad) / 2
        x1, x2 = self.left + pad, self.left + 2 * pad + col

        pdf.font(8, "semibold", BLUE)
        pdf.text_at(x1, y + pad, col, 4, "QUANTO E QUANDO PAGARE")
        amount_cents, due, note = self._headline()
        pdf.font(20, "bold")
        pdf.text_at(x1, y + pad + 5, col, 9, format_euro(amount_cents))
        pdf.font(10, "semibold")
        pdf.text_at(x1, y + pad + 14, col, 5,
                    f"entro il {fmt.format_date(due)}" if due else "Avviso senza scadenza")
        pdf.font(8.5)
        pdf.block_at(x1, y + pad + 20, col, 4, note, 6)

        pdf.font(8, "semibold", BLUE)
        pdf.text_at(x2, y + pad, col, 4, "DOVE PAGARE")
        online = ("Online: sul sito dell'Ente"
                  + (f" ({info.ente.website})" if info.ente.website else "")
                  + ", nell'app IO e con l'home banking o le app di banche e altri "
                  "operatori aderenti a pagoPA, con carta, conto o altri strumenti.")
        in_person = ("Di persona: in banca e agli sportelli ATM, negli uffici postali, "
                     "dal tabaccaio, in ricevitoria e nei supermercati che aderiscono a "
                     "pagoPA, in contanti, con carta o con il conto.")
        pdf.font(8.5)
        yy = pdf.block_at(x2, y + pad + 5, col, 4, online, 4)
        yy = pdf.block_at(x2, yy + 1.5, col, 4, in_person, 4)
        pdf.font(8, "regular", GREY)
        pdf.block_at(x2, yy + 1.5, col, 4,
                     "L'elenco dei canali abilitati è su www.pagopa.gov.it.", 1)
        return y + height

    def _headline(self) -> tuple[int, object, str]:
        """Amount, due date and explanation for module 3, depending on rate unica/rate."""
        single, rates = self.info.single_payment, self.info.installments
        total = sum(r.amount_cents for r in rates)
        if single is not None and rates:
            note = (f"Puoi pagare tutto in una volta entro la data indicata, oppure in "
                    f"{len(rates)} rate per un totale di {format_euro(total)}, "
                    "ognuna entro la propria scadenza (vedi le pagine seguenti).")
            return single.amount_cents, single.due_date, note
        if single is not None:
            note = ("Importo aggiornato alla data di emissione: al momento del pagamento "
                    "potrebbe essere ricalcolato (ad esempio per interessi o riduzioni).")
            if single.due_date is None:
                note = "Puoi pagare in qualunque momento. " + note
            return single.amount_cents, single.due_date, note
        first = rates[0].due_date
        note = (f"Importo totale da pagare in {len(rates)} rate; ogni rata va pagata entro "
                "la sua scadenza. Quella indicata qui sopra è la scadenza della prima rata.")
        return total, first, note

    def payment_intro(self, y: float) -> float:
        """Module 4 title."""
        pdf = self.pdf
        pdf.font(12, "bold")
        pdf.text_at(self.left, y, self.width, 6, "Dati per il pagamento")
        pdf.font(8.5, "regular", GREY)
        pdf.text_at(self.left, y + 6, self.width, 4,
                    "Usa la parte dell'avviso che corrisponde al canale con cui vuoi pagare.")
        return y + 12

    # -- payment sections ------------------------------------------------------------

    def bank_section(self, y: float, item: InstallmentInfo, title: str) -> float:
        """Full-width 'banche e altri canali' section: QR, codes and amount."""
        pdf, ente = self.pdf, self.info.ente
        height = 52.0
        self._box(y, height, "BANCHE E ALTRI CANALI", title, item)
        qr_x, qr_y = self.left + 5, y + 14
        pdf.draw_matrix(qr_matrix(self._qr_payload(item), version=QR_VERSION), qr_x, qr_y,
                        QR_SIZE)
        pdf.font(7.5, "regular", GREY)
        pdf.block_at(qr_x, qr_y + QR_SIZE + 3, 40, 3.4,
                     "Inquadra il codice QR con l'app IO o con l'app della tua banca.", 3)

        x = self.left + 50
        col = (self.width - 55) / 2
        yy = pdf.label_value(x, y + 14, col, "Destinatario", self.info.debtor.full_name)
        yy = pdf.label_value(x, yy + 1, col, "Ente creditore", ente.name)
        yy = pdf.label_value(x, yy + 1, col, "Oggetto del pagamento", self.subject,
                             max_lines=2)
        x2 = x + col + 5
        zz = pdf.label_value(x2, y + 14, col, "Codice avviso",
                             format_notice_number(item.notice_number), size=11)
        zz = pdf.label_value(x2, zz + 1, col, "Codice fiscale Ente creditore",
                             ente.fiscal_code)
        if ente.cbill:
            zz = pdf.label_value(x2, zz + 1, col, "Codice CBILL", ente.cbill.upper())
        return y + height

    def postal_section(self, y: float, item: InstallmentInfo, title: str = "Rata unica") -> float:
        """Full-width Bollettino Postale PA section with the Poste data matrix."""
        pdf, ente = self.pdf, self.info.ente
        account = ente.postal_account
        assert account is not None
        height = 56.0
        self._box(y, height, "BOLLETTINO POSTALE PA - negli uffici postali e sui canali di "
                  "Poste Italiane", title, item)
        self._datamatrix(self.left + 5, y + 14, item)

        x = self.left + 50
        col = (self.width - 55) / 2
        yy = pdf.label_value(x, y + 14, col, "Sul conto corrente postale n.", account.number)
        yy = pdf.label_value(x, yy + 1, col, "Intestato a", account.holder, max_lines=2)
        yy = pdf.label_value(x, yy + 1, col, "Destinatario", self.info.debtor.full_name)
        yy = pdf.label_value(x, yy + 1, col, "Oggetto del pagamento", self.subject,
                             max_lines=2)
        x2 = x + col + 5
        zz = pdf.label_value(x2, y + 14, col, "Codice avviso",
                             format_notice_number(item.notice_number), size=11)
        zz = pdf.label_value(x2, zz + 1, col, "Tipo", "P1")
        zz = pdf.label_value(x2, zz + 1, col, "Codice fiscale Ente creditore",
                             ente.fiscal_code)
        zz = pdf.label_value(x2, zz + 1, col, "Autorizzazione", account.authorisation_code)
        return y + height

    def _box(self, y: float, height: float, kind: str, title: str,
             item: InstallmentInfo) -> None:
        """Frame of a payment section with its heading line and the amount at the right."""
        pdf = self.pdf
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.4)
        pdf.rect(self.left, y, self.width, height)
        pdf.font(8, "semibold", BLUE)
        pdf.text_at(self.left + 5, y + 3, 120, 4, kind)
        pdf.font(11, "bold")
        due = (f"entro il {fmt.format_date(item.due_date)}" if item.due_date
               else "senza scadenza")
        pdf.text_at(self.left + 5, y + 7.5, 110, 5, f"{title} {due}" if title else due)
        pdf.font(16, "bold")
        pdf.text_at(self.left + self.width - 65, y + 4, 60, 8,
                    format_euro(item.amount_cents), align="R")

    def _qr_payload(self, item: InstallmentInfo) -> str:
        return qr_payload(item.notice_number, self.info.ente.fiscal_code,
                                     item.amount_cents)

    def _dm_payload(self, item: InstallmentInfo) -> str:
        ente, debtor = self.info.ente, self.info.debtor
        assert ente.postal_account is not None
        return fmt.poste_datamatrix_payload(
            item.notice_number, ente.postal_account.number, item.amount_cents,
            ente.fiscal_code, debtor.fiscal_code, debtor.full_name, self.subject,
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
                     "Codice data matrix non disponibile: usa i dati qui accanto.", 5)

    # -- installments ---------------------------------------------------------------

    def installment_pages(self) -> None:
        """Installments on their own pages, two or three side by side per page."""
        rates = self.info.installments
        if not rates:
            return
        per_page = 2 if len(rates) in (2, 4) else 3
        for start in range(0, len(rates), per_page):
            self.pdf.add_page()
            y = self.header(full=False) + 4
            self.pdf.font(12, "bold")
            self.pdf.text_at(self.left, y, self.width, 6, "Pagamento a rate")
            self.pdf.font(8.5, "regular", GREY)
            self.pdf.text_at(self.left, y + 6, self.width, 4,
                             "Paga ogni rata entro la sua scadenza, con il suo codice avviso.")
            y += 13
            gap = 4.0
            col = (self.width - gap * (per_page - 1)) / per_page
            for i, item in enumerate(rates[start : start + per_page]):
                number = start + i + 1
                x = self.left + i * (col + gap)
                bottom = self.rate_column(x, y, col, item, number)
                if self.info.ente.postal_account is not None:
                    self.rate_postal_column(x, bottom + 4, col, item)

    def rate_column(self, x: float, y: float, w: float, item: InstallmentInfo,
                    number: int) -> float:
        """One installment, banks and other channels: amount, due date, QR, codes."""
        pdf, ente = self.pdf, self.info.ente
        height = 98.0
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.4)
        pdf.rect(x, y, w, height)
        inner = w - 8
        pdf.font(8, "semibold", BLUE)
        pdf.text_at(x + 4, y + 3, inner, 4, "BANCHE E ALTRI CANALI")
        pdf.font(12, "bold")
        pdf.text_at(x + 4, y + 8, inner, 5.5, item.label or f"Rata {number}")
        pdf.font(9, "semibold")
        pdf.text_at(x + 4, y + 14, inner, 4.5,
                    f"entro il {fmt.format_date(item.due_date)}" if item.due_date
                    else "senza scadenza")
        pdf.font(16, "bold")
        pdf.text_at(x + 4, y + 19, inner, 8, format_euro(item.amount_cents))
        pdf.draw_matrix(qr_matrix(self._qr_payload(item), version=QR_VERSION),
                        x + 4, y + 30, QR_SIZE)
        yy = pdf.label_value(x + 4, y + 59, inner, "Codice avviso",
                             format_notice_number(item.notice_number), size=11)
        yy = pdf.label_value(x + 4, yy + 1, inner, "Codice fiscale Ente creditore",
                             ente.fiscal_code)
        if ente.cbill:
            yy = pdf.label_value(x + 4, yy + 1, inner, "Codice CBILL", ente.cbill.upper())
        pdf.label_value(x + 4, yy + 1, inner, "Destinatario", self.info.debtor.full_name)
        return y + height

    def rate_postal_column(self, x: float, y: float, w: float, item: InstallmentInfo) -> None:
        """One installment, Bollettino Postale PA part."""
        pdf, account = self.pdf, self.info.ente.postal_account
        assert account is not None
        height = 98.0
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.4)
        pdf.rect(x, y, w, height)
        inner = w - 8
        pdf.font(8, "semibold", BLUE)
        pdf.text_at(x + 4, y + 3, inner, 4, "BOLLETTINO POSTALE PA")
        pdf.font(14, "bold")
        pdf.text_at(x + 4, y + 8, inner, 7, format_euro(item.amount_cents))
        self._datamatrix(x + 4, y + 17, item)
        yy = pdf.label_value(x + 4, y + 45, inner, "Sul conto corrente postale n.",
                             account.number)
        yy = pdf.label_value(x + 4, yy + 1, inner, "Intestato a", account.holder,
                             max_lines=2)
        yy = pdf.label_value(x + 4, yy + 1, inner, "Codice avviso",
                             format_notice_number(item.notice_number), size=10)
        yy = pdf.label_value(x + 4, yy + 1, inner, "Tipo", "P1")
        yy = pdf.label_value(x + 4, yy + 1, inner, "Autorizzazione",
                             account.authorisation_code)
