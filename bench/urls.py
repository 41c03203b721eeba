"""The portal's URLs plus the framework floor: a view that does nothing, reached through
the same server and every middleware, so that what a page costs above it is its own."""

from django.http import HttpResponse
from django.urls import path

from sportello.urls import urlpatterns as portal


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), *portal]
