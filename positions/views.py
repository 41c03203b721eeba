import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import payer_required
from catalog.forms import SpontaneousForm
from catalog.models import Service, SpontaneousSubmission
from organizations.context import with_organization
from positions.access import followed_positions, get_visible_position
from positions.forms import HistoryFilterForm, SearchForm
from positions.models import PaymentPosition, PositionClaim
from positions.portal import (
    HISTORY_PAGE_SIZE,
    HOME_PAGE_SIZE,
    history_rows,
    payable_rows,
    position_options,
    write_history_csv,
)
from positions.search import (
    claim_found_positions,
    find_positions,
    forget_found,
    remember_found,
)
from positions.spontaneous import (
    AccountAnagrafica,
    NotWithdrawable,
    TokenAlreadyUsed,
    create_spontaneous_position,
    similar_unpaid_position,
    withdraw_spontaneous_position,
    withdrawable_positions,
)
from sportello import human_check
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
        fiscal_code = _typed_fiscal_code(request)
        by_code = bool(fiscal_code) and over_limit(
            request, "ricerca-cf", settings.RICERCA_FISCAL_CODE_RATE, key=fiscal_code)
        if over_limit(request, "ricerca", settings.RICERCA_RATE) or by_code:
            context["rate_limited"] = True
            return render(request, "positions/search.html", context, status=429)
        if _needs_human_check(request, fiscal_code) and not human_check.verified(
                request.POST.get("altcha")):
            context["human_check"] = human_check.new_challenge()
            context["human_check_failed"] = "altcha" in request.POST
            return render(request, "positions/search.html", context)
        if form.is_valid():
            positions = list(find_positions(organization, form.cleaned_data["fiscal_code"],
                                            form.cleaned_data["reference"]))
            remember_found(request.session, positions)
            if request.user.is_authenticated:
                # proof of knowing codice fiscale + reference, given while logged in
                claim_found_positions(request.user, request.session)
            context["positions"] = positions
            context["not_found_message"] = NOT_FOUND
    return render(request, "positions/search.html", context)


def _typed_fiscal_code(request) -> str:
    """The codice fiscale as typed, normalised, to count searches per code (even when the
    form then finds it malformed: the counter only needs a stable key)."""
    return "".join(request.POST.get("fiscal_code", "").split()).upper()[:16]


def _needs_human_check(request, fiscal_code: str) -> bool:
    """Past the soft thresholds (per address, per codice fiscale) a search asks for the
    proof of work instead of being refused: a shared office keeps working."""
    by_address = over_limit(request, "ricerca-check", settings.RICERCA_CHECK_RATE, log=False)
    by_code = bool(fiscal_code) and over_limit(
        request, "ricerca-cf-check", settings.RICERCA_FISCAL_CODE_CHECK_RATE,
        key=fiscal_code, log=False)
    return by_address or by_code


@with_organization
@payer_required
def detail(request, pk: int):
    """A position of the payer (see positions.access for what that means)."""
    position = get_visible_position(request, pk)
    can_withdraw = withdrawable_positions(request.user, request.organization).filter(
        pk=position.pk).exists()
    return render(request, "positions/detail.html", {
        "position": position, "options": position_options(position),
        "today": timezone.localdate(), "can_withdraw": can_withdraw,
    })


# --- the payer's portal -------------------------------------------------------------

@require_GET
@with_organization
@payer_required
def followed(request):
    """*Pratiche seguite*: positions found with Ricerca pratica while logged in, each
    labelled with its debtor's name; following opens that position only."""
    return render(request, "positions/followed.html", {
        "positions": followed_positions(request.user, request.organization),
        "active_tab": "followed",
    })


@require_http_methods(["POST"])
@with_organization
@payer_required
def unfollow(request, pk: int):
    """Stop following a position: it leaves the list and this browser's session."""
    removed, _per_model = PositionClaim.objects.filter(
        user=request.user, position_id=pk, source=PositionClaim.Source.SEARCH,
        position__organization=request.organization).delete()
    if not removed:
        raise Http404
    forget_found(request.session, pk)
    messages.success(request, _("La pratica non è più tra quelle che segui."))
    return redirect("positions:followed", request.organization.slug)


@require_GET
@with_organization
@payer_required
def home(request):
    """*Da Pagare*: the payer's landing page, one row per payable option."""
    organization = request.organization
    # Paginated like Storico: a page costs the same for 10 rows or 500 (bench/RESULTS.md).
    page = Paginator(payable_rows(request.user, organization), HOME_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "positions/home.html", {
        "rows": page.object_list, "page": page,
        "code_opens_ente": request.user.fiscal_code_verified_at(organization),
        "spontaneous_available": Service.objects.filter(organization=organization)
                                 .spontaneous().exists(),
        "today": timezone.localdate(),
        "active_tab": "home",
    })


@require_GET
@with_organization
@payer_required
def history(request):
    """*Storico Pratiche*: every option of the account, filtered from the URL."""
    form = HistoryFilterForm(request.organization, request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        rows = history_rows(request.user, request.organization, filters)
        page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "positions/history.html", {
        "form": form, "page": page, "active_tab": "history", "today": timezone.localdate(),
    })


@require_GET
@with_organization
@payer_required
def history_export(request):
    """*Esporta CSV*: the rows the history's filters select, all pages."""
    form = HistoryFilterForm(request.organization, request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('positions:history', args=[request.organization.slug])}"
                        f"?{request.GET.urlencode()}")
    filters = form.cleaned_data if form.is_bound else {}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"storico-pratiche-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_history_csv(response, history_rows(request.user, request.organization,
                                              filters).iterator(chunk_size=500))
    return response


@require_GET
@with_organization
@payer_required
def spontaneous_services(request):
    """*Inserimento spontaneo*, step 1: the services the payer may pay unprompted."""
    services = Service.objects.filter(organization=request.organization).spontaneous()
    return render(request, "positions/spontaneous_services.html", {"services": services})


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def spontaneous_form(request, code: str):
    """*Inserimento spontaneo*, step 2: the service's form; *Salva* creates the position
    (once, whatever the number of clicks) and returns to *Da Pagare*."""
    organization = request.organization
    service = get_object_or_404(
        Service.objects.filter(organization=organization).spontaneous()
        .prefetch_related("form_fields"), code=code)
    anagrafica = AccountAnagrafica.of(request.user)
    duplicate = None
    if request.method == "POST":
        form = SpontaneousForm(service, request.POST)
        if anagrafica.complete and form.is_valid():
            duplicate = _unconfirmed_duplicate(request, form)
        if anagrafica.complete and form.is_valid() and duplicate is None:
            try:
                create_spontaneous_position(request.user, organization, form)
            except TokenAlreadyUsed:
                form.add_error(None, _("Il modulo non è più valido: ricarica la pagina e "
                                       "riprova."))
            except ValidationError as exc:
                # The model's errors name its own fields (e.g. the causale built from the
                # answers): shown on top of the form, never as a server error.
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Pagamento inserito: lo trovi qui sotto tra "
                                            "quelli da pagare."))
                return redirect("positions:home", ente=organization.slug)
    else:
        form = SpontaneousForm(service, initial={"token": uuid.uuid4()})
    return render(request, "positions/spontaneous_form.html", {
        "service": service, "form": form, "anagrafica": anagrafica, "duplicate": duplicate,
    })


def _unconfirmed_duplicate(request, form: SpontaneousForm) -> PaymentPosition | None:
    """The unpaid twin of what this new form would create, unless the payer confirmed.

    A resubmission of the same form (a double click) is not a twin: its token already
    names the first position, which create_spontaneous_position returns."""
    if request.POST.get("confirm_duplicate") == "1":
        return None
    if SpontaneousSubmission.objects.filter(token=form.cleaned_data["token"]).exists():
        return None
    return similar_unpaid_position(request.user, request.organization, form.service,
                                   form.causale(), form.amount_cents)


@require_http_methods(["GET", "POST"])
@with_organization
@payer_required
def withdraw(request, pk: int):
    """*Elimina*: a payment the payer created and has not paid. GET asks, POST acts."""
    organization = request.organization
    position = get_object_or_404(withdrawable_positions(request.user, organization), pk=pk)
    if request.method == "POST":
        try:
            withdraw_spontaneous_position(request.user, organization, position.pk)
        except (NotWithdrawable, PaymentPosition.DoesNotExist):
            messages.error(request, _("Questo pagamento non si può più eliminare: una parte "
                                      "risulta già pagata o chiusa."))
            return redirect("positions:detail", organization.slug, position.pk)
        messages.success(request, _("Pagamento eliminato: non è più da pagare e resta nello "
                                    "Storico come annullato."))
        return redirect("positions:home", organization.slug)
    return render(request, "positions/withdraw.html", {
        "position": position, "options": position_options(position)})
