"""Opening a payment on pagoPA Checkout for a validated selection of options.

Placeholder until the payments work lands (issue 6): it must create a PaymentAttempt,
open a Checkout cart and return the redirect.
"""

from __future__ import annotations


class PaymentUnavailable(Exception):
    """Checkout could not be opened; the payer is told to try again later."""


def start_checkout(request, options):
    raise PaymentUnavailable("online payment is not wired yet")
