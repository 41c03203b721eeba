"""Error pages that keep the Ente: 400, 403 (CSRF included), 404, 405, 429 and 500.

They live here, not in the kit, because an error under ``/<ente>/`` must show that Ente's
name and contacts, and the Ente is ours to look up. The view that failed may never have
loaded it (an unknown page, a CSRF refusal before the view, a crash), so it is read again
from the first segment of the path; a database that does not answer gives the plain page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django_guid import get_guid

from organizations.models import Organization
from sportello.context_processors import BOOTSTRAP_ITALIA_VERSION

log = logging.getLogger(__name__)
BOOTSTRAP_ITALIA_STATIC = f"vendor/bootstrap-italia/{BOOTSTRAP_ITALIA_VERSION}"


def organization_of(request: HttpRequest) -> Organization | None:
    """The Ente the request was for: the one the view loaded, else the path's first segment."""
    loaded = getattr(request, "organization", None)
    if isinstance(loaded, Organization):
        return loaded
    slug = request.path_info.strip("/").split("/", 1)[0]
    if not slug or len(slug) > 50:
        return None
    try:
        return Organization.objects.filter(slug=slug).first()
    except Exception:  # the failure being reported may be the database itself
        log.warning("Error page without the Ente: its lookup failed", exc_info=True)
        return None


def error_page(request: HttpRequest, status: int, **context) -> HttpResponse:
    """The branded page for ``status``, with the Ente when known and the request id."""
    organization = organization_of(request)
    if organization is not None:
        request.organization = organization
    context.update(status=status, request_id=get_guid(), organization=organization,
                   form_sent=request.method == "POST")
    try:
        html = render_to_string("error.html", context, request=request)
    except Exception:  # a context processor or the template failed: keep the answer plain
        log.exception("The error page itself failed")
        request.organization = None
        html = render_to_string("error.html", {**context, "organization": None,
                                               "bi_static": BOOTSTRAP_ITALIA_STATIC})
    response = HttpResponse(html, status=status)
    add_never_cache_headers(response)
    return response


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a stale form (logged in or out in another tab, an old page) is
    explained as an expired page to reload, never as Django's debugging page."""
    return error_page(request, 403, csrf=True,
                      no_cookie=reason == REASON_NO_CSRF_COOKIE,
                      reload_url=request.get_full_path())


def too_many_requests(request) -> HttpResponse:
    return error_page(request, 429)


class MethodNotAllowedMiddleware:
    """A 405 never reaches a person as an empty page.

    A GET on an address that only takes a form's POST (a bookmark, a reload after an
    error, a link pasted from the address bar) goes to the page that holds the form,
    named in ``settings.FORM_PAGES`` by URL name; anything else gets the branded 405
    page, keeping the ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
                "application/problem+json"):  # the API answers its own, for machines
            return response
        if request.method in ("GET", "HEAD"):
            target = self.form_page(request)
            if target:
                return redirect(target)
        page = error_page(request, 405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page

    @staticmethod
    def form_page(request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        name = settings.FORM_PAGES.get(match.view_name)
        if not name:
            return None
        kwargs = {"ente": match.kwargs["ente"]} if "ente" in match.kwargs else {}
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return None
