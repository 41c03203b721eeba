"""The portal's URLs plus the framework floor: a view that does nothing, reached through
the same server and every middleware, so that what a page costs above it is its own; and
the receipt's statements replayed bare (``bench/replay.py``), a 404 unless
``bench/receipt_bound.py`` started the server."""

from django.http import HttpResponse
from django.urls import path

from bench.replay import replay_receipt
from sportello.urls import urlpatterns as portal


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), path("bench/replay-receipt", replay_receipt), *portal]
