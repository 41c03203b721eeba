from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import account_closed
from positions.models import PositionClaim
from positions.search import claim_found_positions


@receiver(user_logged_in)
def claim_positions_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        claim_found_positions(user, request.session)


@receiver(account_closed)
def forget_the_closed_account(sender, user, **kwargs):
    """A closed account no longer follows or owns a link to any position; the positions
    themselves are the Ente's and stay."""
    PositionClaim.objects.filter(user=user).delete()
