"""*Token API* (responsabile only): the Ente's tokens for its own systems, created here
and shown once, listed by name and visible prefix, revoked for good. Audited in
``api.tokens``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from api import tokens
from api.models import ApiToken
from backoffice.access import staff_required
from backoffice.exports import paginate
from organizations.models import StaffRole
from sportello.forms import StyledForm
from sportello.validators import validate_xml_text


class TokenForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nome del sistema che lo userà"), max_length=100,
        validators=[validate_xml_text],
        help_text=gettext_lazy("Per riconoscerlo nell'elenco e nel registro attività, ad "
                               "esempio «Gestionale tributi»."))


def _context(request, **extra):
    return {"organization": request.organization, "membership": request.membership, **extra}


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = tokens.issue_token(request.organization, form.cleaned_data["name"],
                                        created_by=request.user, request=request)
        # Rendered, not redirected: the secret exists only in this response.
        return render(request, "backoffice/api_tokens/created.html", _context(
            request, token=token, raw=raw,
            api_base=request.build_absolute_uri(reverse("api:api-root"))))
    queryset = (ApiToken.objects.filter(organization=request.organization)
                .select_related("created_by").order_by("revoked_at", "-created_at"))
    return render(request, "backoffice/api_tokens/list.html", _context(
        request, form=form, page=paginate(request, queryset),
        docs_url=reverse("api:openapi-view")))


@require_http_methods(["GET", "POST"])
@staff_required(role=StaffRole.MANAGER)
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, organization=request.organization)
    if request.method == "POST":
        tokens.revoke_token(token, revoked_by=request.user, request=request)
        messages.success(request, _("Token «%(name)s» revocato: da ora ogni chiamata con "
                                    "esso riceve 401.") % {"name": token.name})
        return redirect("backoffice:api_tokens", request.organization.slug)
    return render(request, "backoffice/api_tokens/revoke.html", _context(request, token=token))
