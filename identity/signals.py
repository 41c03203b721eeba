"""identity listens to accounts: a password login may link to a SPID/CIE identity."""

from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.signals import password_login
from identity.accounts import link_after_password_login


@receiver(password_login, dispatch_uid="identity.link_after_password_login")
def link_certified_identity(sender, request, user, **kwargs) -> None:
    if link_after_password_login(request, user):
        messages.success(request, _("Questa utenza è ora collegata alla tua identità "
                                    "digitale: il codice fiscale è certificato."))
