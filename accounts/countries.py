"""The list of countries of the anagrafica: ISO 3166-1 codes (as pagoPA's debtor
``nation``) with names in the visitor's language, from django-countries; Italia first."""

from django_countries import Countries


class PayerCountries(Countries):
    first = ["IT"]
    first_break = "──────────"
