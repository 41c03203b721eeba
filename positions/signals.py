from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from positions.search import claim_found_positions


@receiver(user_logged_in)
def claim_positions_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        claim_found_positions(user, request.session)
