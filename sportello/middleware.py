"""Cross-cutting request handling: private pages, the language of the page."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivatePagesMiddleware:
    """Nothing the portal generates may be kept by a browser or proxy cache unless the
    view said it is public: ``Cache-Control: no-store, private``.

    Pages, PDFs, ZIPs, JSON polls and receipts name a payer; deciding page by page (or by
    whether the session was read) missed some, so this is the default for every response
    without ``public`` in its Cache-Control (the Ente's logo, the list of comuni).
    A response that read the session is always personal, whatever the view set. Static
    files never reach here (WhiteNoise serves them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        personal = session is not None and session.accessed
        cache_control = response.get("Cache-Control", "")
        declared_public = "public" in cache_control
        if "no-store" not in cache_control and (personal or not declared_public):
            if declared_public:
                del response["Cache-Control"]
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
