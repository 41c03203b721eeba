"""Password rules with Italian messages where Django's own catalog lacks them.

Django 5.2 changed the "too short" message and its Italian translation has not caught
up, so the visitor would read it in English.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "Questa password è troppo corta: deve contenere almeno %(min_length)d carattere.",
            "Questa password è troppo corta: deve contenere almeno %(min_length)d caratteri.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "La password deve contenere almeno %(min_length)d carattere.",
            "La password deve contenere almeno %(min_length)d caratteri.",
            self.min_length,
        ) % {"min_length": self.min_length}
