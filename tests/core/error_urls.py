"""The project's URLs plus pages that fail on purpose, for the 500 page's tests."""

from django.http import HttpResponse
from django.urls import path

from organizations.context import with_organization
from sportello.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request, ente):
    raise RuntimeError("on purpose")


@with_organization
def boom_loaded(request):
    raise RuntimeError("on purpose, after loading the Ente")


def suspicious(request, ente):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("on purpose")


def ok(request, ente):
    return HttpResponse("ok")


urlpatterns = [
    path("<slug:ente>/prova-errore/", boom),
    path("<slug:ente>/prova-errore-ente/", boom_loaded),
    path("<slug:ente>/prova-sospetta/", suspicious),
    *urlpatterns,
]
