"""Payments listen to positions (positions never import payments)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from payments import aca
from positions import events
from positions.models import PaymentOption, PaymentPosition


@receiver(post_save, sender=PaymentOption, dispatch_uid="payments.aca_on_option_save")
def option_saved(sender, instance: PaymentOption, raw: bool = False, **kwargs) -> None:
    """Every change of an option is mirrored to ACA after commit, except on positions
    whose debtor is an anagrafica an account typed for a code it only declared: ACA
    must not list them under that code's holder."""
    if raw:
        return
    if _declared(instance):
        return
    aca.schedule(instance.pk)


def _declared(option: PaymentOption) -> bool:
    """Whether the option's debtor is an anagrafica an account declared. From the rows
    already loaded when there are (a receipt locks the position with its debtor: no
    statement more inside its lock), else one query. ``declared_by`` is set when the
    debtor is created and never changes, and Django drops a cached debtor whose id
    changes, so a loaded one is as good as a fresh read."""
    position = option.position if PaymentOption.position.is_cached(option) else None
    if (position is not None and position.pk == option.position_id
            and PaymentPosition.debtor.is_cached(position)):
        return position.debtor.declared_by_id is not None
    return PaymentPosition.objects.filter(pk=option.position_id,
                                          debtor__declared_by__isnull=False).exists()


@receiver(events.positions_created, dispatch_uid="payments.aca_on_positions_created")
def positions_created(sender, organization, position_ids: list[int], origin: str,
                      **kwargs) -> None:
    """Positions written in bulk have no ``post_save``: their options are scheduled here,
    all at once (those saved one by one already are)."""
    aca.schedule_created(position_ids)
