from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.context import with_organization
from payments.flow import PaymentUnavailable, start_checkout
from payments.selection import PaymentSelectionForm


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("positions:search", ente=request.organization.slug)


@require_POST
@with_organization
def start(request):
    """The one entry point of *Paga* / *Paga selezionati*: validate, then Checkout."""
    form = PaymentSelectionForm(request, request.POST)
    if not form.is_valid():
        for error in form.errors.get("option", []):
            messages.error(request, error)
        return _back(request)
    try:
        return start_checkout(request, form.cleaned_data["option"])
    except PaymentUnavailable:
        messages.error(request, _("Il pagamento online non è disponibile in questo momento. "
                                  "Riprova tra qualche minuto o usa l'avviso di pagamento."))
        return _back(request)
