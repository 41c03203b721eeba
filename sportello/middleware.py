"""Cross-cutting request handling: private pages, the language of the page."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
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


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Italian unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a public
    Italian portal speaks Italian first, and English only when asked (cookie)."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
