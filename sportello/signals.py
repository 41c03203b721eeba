"""Security events that other packages announce with a signal."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from sportello.logging_config import security_event


@receiver(user_locked_out, dispatch_uid="sportello.login_locked_out")
def login_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked an email out from an address: too many wrong passwords."""
    security_event("login_locked_out", request, username=username or "", address=ip_address)
