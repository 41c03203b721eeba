"""What accounts announce to the apps above them (they listen; accounts imports none)."""

from django.dispatch import Signal

#: A payer logged in with email and password (``request``, ``user``): SPID/CIE links the
#: account to a certified identity held in the same browser (``identity.signals``).
password_login = Signal()

#: A payer closed their account (``user``, already stripped of personal data): the apps
#: above drop what only linked the account to their records (positions' claims, ZIPs),
#: inside the closure's transaction. Positions and receipts stay with the Ente.
account_closed = Signal()
