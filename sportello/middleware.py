"""Personal pages must not be stored by browsers or proxies."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivatePagesMiddleware:
    """Any response that read the session (who the visitor is, what they found) is
    personal: ``Cache-Control: no-store, private``. Static files never reach here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and "Cache-Control" not in response:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
