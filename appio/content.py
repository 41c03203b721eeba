"""What an IO message says: subject and markdown in plain Italian, within IO's limits
(subject 10-120 characters, body 80-10000), with the pay link and IO's own payment data.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pagopa.appio import MARKDOWN_LENGTH, SUBJECT_LENGTH, Message, PaymentData
from pagopa.money import format_euro
from positions.models import PaymentOption, PaymentPosition

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def escape(text: str) -> str:
    """Text the Ente typed (causale, names) shown as typed, never as markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def option_to_pay(position: PaymentPosition) -> PaymentOption | None:
    """The notice a message offers: the single payment while payable, else the next
    payable installment."""
    payable = [o for o in position.options.all() if o.is_payable]
    single = [o for o in payable if o.plan == PaymentOption.SINGLE_PLAN]
    if single:
        return single[0]
    payable.sort(key=lambda o: (o.plan, o.due_date or dt.date.max, o.pk))
    return payable[0] if payable else None


def _subject(kind: str, position: PaymentPosition, reminder: str) -> str:
    organization = position.organization.name
    if kind == "created":
        text = _("%(ente)s: nuovo avviso di pagamento") % {"ente": organization}
    elif kind == "changed":
        text = _("%(ente)s: avviso di pagamento aggiornato") % {"ente": organization}
    elif reminder == "after":
        text = _("%(ente)s: avviso di pagamento scaduto") % {"ente": organization}
    else:
        text = _("%(ente)s: promemoria di scadenza") % {"ente": organization}
    low, high = SUBJECT_LENGTH
    if len(text) > high:
        text = text[: high - 1] + "…"
    return text.ljust(low)


def _opening(kind: str, reminder: str) -> str:
    if kind == "created":
        return _("l'Ente ti ha inviato un nuovo avviso di pagamento.")
    if kind == "changed":
        return _("l'Ente ha cambiato l'importo o la scadenza di un tuo avviso di "
                 "pagamento. Vale l'avviso aggiornato qui sotto.")
    if reminder == "after":
        return _("la scadenza di questo avviso è passata e non risulta ancora pagato. "
                 "Puoi pagarlo ora.")
    return _("ti ricordiamo che questo avviso di pagamento scade a breve.")


def build(kind: str, position: PaymentPosition, option: PaymentOption, pay_url: str,
          reminder: str = "") -> Message:
    """The message for ``position`` (``option`` is the notice it offers)."""
    with translation.override("it"):
        due = option.due_date
        lines = [
            _("Gentile contribuente,") + " " + _opening(kind, reminder),
            "",
            "**" + _("Causale") + ":** " + escape(option.payment_description),
            "**" + _("Importo") + ":** " + escape(format_euro(option.amount_now_cents)),
        ]
        if due:
            lines.append("**" + _("Scadenza") + ":** " + date_format(due, "j F Y"))
        lines += [
            "**" + _("Codice avviso") + ":** " + option.notice_number,
            "",
            _("Puoi pagare con il pulsante Paga qui sotto, oppure aprire l'avviso sul "
              "sito dell'Ente senza accedere e senza digitare il codice fiscale:"),
            "",
            f"[{_('Apri e paga l’avviso')}]({pay_url})",
            "",
            _("Se hai già pagato, non devi fare nulla: la ricevuta arriva all'Ente."),
        ]
        markdown = "\n".join(lines)[: MARKDOWN_LENGTH[1]]
        subject = _subject(kind, position, reminder)
    due_at = None
    if due:
        due_at = timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59)))
    return Message(
        fiscal_code=position.debtor.fiscal_code.upper(), subject=subject, markdown=markdown,
        due_date=due_at,
        payment_data=PaymentData(
            amount_cents=option.amount_now_cents, notice_number=option.notice_number,
            payee_fiscal_code=position.organization.fiscal_code,
            invalid_after_due_date=position.switch_to_expired),
    )
