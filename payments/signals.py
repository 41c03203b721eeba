"""Payments listen to positions (positions never import payments)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from payments import aca
from positions.models import PaymentOption


@receiver(post_save, sender=PaymentOption, dispatch_uid="payments.aca_on_option_save")
def option_saved(sender, instance: PaymentOption, raw: bool = False, **kwargs) -> None:
    """Every change of an option is mirrored to ACA after commit."""
    if not raw:
        aca.schedule(instance.pk)
