from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sportello.forms import StyledForm


class LoginForm(StyledForm, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Email o password non corretti. Controlla e riprova."),
        "inactive": _("Questa utenza non è attiva."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username (mail)")
        self.fields["username"].widget.attrs["autocomplete"] = "email"
