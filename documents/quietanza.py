"""The payment receipt (quietanza) as a PDF.

Built from the data of the pagoPA receipt (paSendRT) plus what the portal knows about
the service. Unlike the avviso there is no official template: the layout is a simple
top-to-bottom list that can spill onto a second page when there are many fields.
"""

from __future__ import annotations

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro

from . import _format as fmt
from ._pdf import BLUE, FILL, GREY, DocPDF, qr_matrix
from .data import PartyInfo, QuietanzaInfo

VERIFY_QR_SIZE = 25.0


def render_receipt(info: QuietanzaInfo) -> bytes:
    """Render the quietanza; returns the PDF file content."""
    pdf = DocPDF(
        title=f"Quietanza di pagamento - {info.service_name}",
        author=info.ente.name,
        subject=f"Quietanza del pagamento {info.iuv}",
    )
    _Receipt(pdf, info).render()
    return bytes(pdf.output())


class _Receipt:
    """Layout state for one receipt: a cursor ``y`` moving down the page."""

    def __init__(self, pdf: DocPDF, info: QuietanzaInfo) -> None:
        self.pdf = pdf
        self.info = info
        self.left = pdf.l_margin
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.y = 0.0

    def render(self) -> None:
        self.pdf.add_page()
        self.header()
        self.outcome()
        self.section("Pagamento")
        self.rows([
            ("Servizio", self.info.service_name),
            ("Causale", self.info.causale),
            *self.info.extra_fields,
        ], max_lines=4)
        self.section("Soggetti")
        self.parties()
        self.section("Dati della transazione")
        info = self.info
        psp = info.psp_name + (f" (codice fiscale {info.psp_fiscal_code})"
                               if info.psp_fiscal_code else "")
        self.rows([
            ("Data e ora del pagamento", fmt.format_datetime(info.payment_datetime)),
            ("Codice avviso", format_notice_number(info.notice_number)),
            ("Identificativo univoco di versamento (IUV)", info.iuv),
            ("Identificativo univoco di riscossione (IUR)", info.receipt_id),
            ("Prestatore di servizi di pagamento (PSP)", psp),
            ("Canale", info.channel),
            ("Metodo di pagamento", info.payment_method),
        ], max_lines=2)
        if info.transfers:
            self.section("Destinatari delle somme")
            self.transfers()
        self.verification()

    # -- helpers --------------------------------------------------------------------

    def room(self, needed: float) -> None:
        """Move to a new page when ``needed`` mm do not fit below the cursor."""
        if self.y + needed > self.pdf.h - 18:
            self.pdf.add_page()
            self.pdf.font(8, "semibold", BLUE)
            self.pdf.text_at(self.left, self.pdf.t_margin, self.width, 4,
                             f"QUIETANZA DI PAGAMENTO - {self.info.ente.name} (segue)")
            self.y = self.pdf.t_margin + 8

    def section(self, title: str) -> None:
        self.room(16)
        self.y += 3
        self.pdf.font(8, "semibold", BLUE)
        self.pdf.text_at(self.left, self.y, self.width, 4, title.upper())
        self.pdf.rule(self.y + 5)
        self.y += 7

    def rows(self, rows: list[tuple[str, str]], *, max_lines: int) -> None:
        """Label on the left third, value on the right; empty values are skipped."""
        pdf = self.pdf
        label_w = 62.0
        value_w = self.width - label_w - 2
        for label, value in rows:
            if not str(value).strip():
                continue
            pdf.font(9.5, "semibold")
            lines = pdf.lines(value, value_w, max_lines)
            self.room(len(lines) * 4.6 + 1.5)
            pdf.font(8.5, "regular", GREY)
            label_lines = pdf.lines(label, label_w, 2, shared=True)  # fixed labels
            for i, line in enumerate(label_lines):
                pdf.text_at(self.left, self.y + 0.3 + i * 4, label_w, 4, line)
            pdf.font(9.5, "semibold")
            for i, line in enumerate(lines):
                pdf.text_at(self.left + label_w + 2, self.y + i * 4.6, value_w, 4.6, line)
            self.y += max(len(lines) * 4.6, len(label_lines) * 4) + 1.5

    # -- blocks ---------------------------------------------------------------------

    def header(self) -> None:
        pdf, ente = self.pdf, self.info.ente
        top = pdf.t_margin
        has_logo = bool(ente.logo_png)
        pdf.logo(ente.logo_png, self.left, top, 30, 18)
        x = self.left + (34 if has_logo else 0)
        w = self.width - (34 if has_logo else 0)
        pdf.font(13, "bold")
        y = pdf.block_at(x, top, w, 6, ente.name, 2, shared=True)
        pdf.font(9, "regular", GREY)
        pdf.text_at(x, y, w, 4.5, f"Codice fiscale {ente.fiscal_code}")
        y += 4.5
        if ente.sector:
            y = pdf.block_at(x, y, w, 4.5, ente.sector, 1, shared=True)
        y = max(y, top + (19 if has_logo else 0)) + 4
        pdf.font(18, "bold")
        pdf.text_at(self.left, y, self.width, 9, "Quietanza di pagamento")
        self.y = y + 10

    def outcome(self) -> None:
        """Band with the pagoPA statement and the amounts."""
        pdf, info = self.pdf, self.info
        height = 19.0
        pdf.set_fill_color(*FILL)
        pdf.rect(self.left, self.y, self.width, height, style="F")
        pad = 4.0
        pdf.font(11, "bold", BLUE)
        pdf.text_at(self.left + pad, self.y + pad, 90, 5, "Pagamento eseguito tramite pagoPA")
        pdf.font(8.5, "regular", GREY)
        pdf.text_at(self.left + pad, self.y + pad + 6, 90, 4,
                    f"il {fmt.format_datetime(info.payment_datetime)}")
        col_w = 30.0
        cols = [("Importo", format_euro(info.amount_cents))]
        if info.fee_cents is not None:
            cols.append(("Commissione", format_euro(info.fee_cents)))
        cols.append(("Totale pagato", format_euro(info.total_cents)))
        x = self.left + self.width - pad - col_w * len(cols)
        for i, (label, value) in enumerate(cols):
            last = i == len(cols) - 1
            pdf.font(7.5, "regular", GREY)
            pdf.text_at(x, self.y + pad, col_w, 4, label, align="R")
            pdf.font(13 if last else 10.5, "bold" if last else "semibold")
            pdf.text_at(x, self.y + pad + 4.5, col_w, 7, value, align="R")
            x += col_w
        self.y += height

    def parties(self) -> None:
        debtor, payer = self.info.debtor, self.info.payer
        rows = self._person_rows("Debitore", debtor)
        if payer is not None and not _same_person(payer, debtor):
            rows += self._person_rows("Pagatore", payer)
        self.rows(rows, max_lines=2)

    @staticmethod
    def _person_rows(role: str, person: PartyInfo) -> list[tuple[str, str]]:
        cf = person.fiscal_code.upper() if person.fiscal_code else "non disponibile"
        rows = [(role, person.full_name), (f"Codice fiscale {role.lower()}", cf)]
        if person.address_lines:
            rows.append((f"Indirizzo {role.lower()}", ", ".join(person.address_lines)))
        return rows

    def transfers(self) -> None:
        """Table: beneficiary, fiscal code, masked IBAN, amount."""
        pdf = self.pdf
        widths = (78.0, 34.0, 40.0, self.width - 152.0)
        heads = ("Beneficiario", "Codice fiscale", "IBAN", "Importo")
        self.room(6)
        pdf.font(7.5, "regular", GREY)
        x = self.left
        for w, head in zip(widths, heads, strict=True):
            pdf.text_at(x, self.y, w - 2, 4, head, align="R" if head == "Importo" else "L")
            x += w
        self.y += 5
        for t in self.info.transfers:
            pdf.font(9)
            name_lines = pdf.lines(t.beneficiary_name, widths[0] - 2, 2)
            self.room(len(name_lines) * 4.4 + 2)
            pdf.block_at(self.left, self.y, widths[0] - 2, 4.4, t.beneficiary_name, 2)
            x = self.left + widths[0]
            iban = fmt.mask_iban(t.iban) if t.iban else "Marca da bollo digitale"
            for w, value in ((widths[1], t.beneficiary_fiscal_code), (widths[2], iban)):
                pdf.text_at(x, self.y, w - 2, 4.4, value)
                x += w
            pdf.font(9, "semibold")
            pdf.text_at(x, self.y, widths[3] - 2, 4.4, format_euro(t.amount_cents),
                        align="R")
            self.y += len(name_lines) * 4.4 + 1.5

    def verification(self) -> None:
        """QR code and printed address where the receipt can be checked online."""
        pdf, url = self.pdf, self.info.verification_url
        self.room(VERIFY_QR_SIZE + 30)
        self.y += 5
        pdf.rule(self.y)
        self.y += 4
        pdf.draw_matrix(qr_matrix(url), self.left, self.y, VERIFY_QR_SIZE)
        x = self.left + VERIFY_QR_SIZE + 6
        w = self.width - VERIFY_QR_SIZE - 6
        pdf.font(10, "bold")
        pdf.text_at(x, self.y + 2, w, 5, "Verifica questa quietanza")
        pdf.font(8.5, "regular", GREY)
        yy = pdf.block_at(x, self.y + 8, w, 4,
                          "Inquadra il codice QR o apri l'indirizzo qui sotto per controllare "
                          "che la quietanza corrisponda a quanto registrato dall'Ente.", 3,
                          shared=True)
        # Printed whole, however long, so that it can be typed: never cut with an ellipsis.
        pdf.font(9, "semibold", BLUE)
        end = pdf.block_at(x, yy + 1, w, 4.4, url, 8)
        self.y = max(self.y + VERIFY_QR_SIZE, end)


def _same_person(a: PartyInfo, b: PartyInfo) -> bool:
    if a.fiscal_code and b.fiscal_code:
        return a.fiscal_code.upper() == b.fiscal_code.upper()
    return a.full_name.strip().casefold() == b.full_name.strip().casefold()
