"""The root URLs plus stand-ins for the documents pages, to check that the portal's
Stampa bollettino / Stampa / Scarica tutti buttons light up once those pages exist."""

from django.http import HttpResponse
from django.urls import include, path

from sportello.urls import urlpatterns as root_urlpatterns


def stand_in(request, *args, **kwargs):
    return HttpResponse(b"")


documents = ([
    path("pratiche/<int:pk>/avviso.pdf", stand_in, name="notice"),
    path("quietanze/<int:pk>.pdf", stand_in, name="receipt"),
    path("documenti/zip/", stand_in, name="bundle-create"),
], "documents")

urlpatterns = [path("<slug:ente>/", include(documents)), *root_urlpatterns]
