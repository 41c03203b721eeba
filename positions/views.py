from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import payer_required
from organizations.context import with_organization
from positions.access import get_visible_position
from positions.forms import SearchForm
from positions.search import find_positions, remember_found
from sportello.ratelimit import over_limit

NOT_FOUND = _("Nessuna pratica corrisponde ai dati inseriti. Controlla il codice fiscale "
              "e il riferimento e riprova.")


@require_http_methods(["GET", "POST"])
@with_organization
def search(request):
    """*Ricerca pratica*: codice fiscale + reference. Results look the same whether the
    codice fiscale is unknown or the reference does not match, so nothing leaks."""
    organization = request.organization
    form = SearchForm(request.POST or None)
    context = {"form": form, "positions": None}
    if request.method == "POST":
        if over_limit(request, "ricerca", settings.RICERCA_RATE):
            context["rate_limited"] = True
            return render(request, "positions/search.html", context, status=429)
        if form.is_valid():
            positions = list(find_positions(organization, form.cleaned_data["fiscal_code"],
                                            form.cleaned_data["reference"]))
            remember_found(request.session, positions)
            context["positions"] = positions
            context["not_found_message"] = NOT_FOUND
    return render(request, "positions/search.html", context)


@with_organization
@payer_required
def detail(request, pk: int):
    """A position of the payer (see positions.access for what that means)."""
    position = get_visible_position(request, pk)
    return render(request, "positions/detail.html", {"position": position})
