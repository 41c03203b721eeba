from functools import wraps

from django.urls import path, re_path
from django.utils.translation import gettext as _

from api.problems import CONTENT_TYPE, problem_response, problem_view
from api.views import api


def _problem_405(view):
    """django-ninja answers a method a path does not take with a bare 405: make it a
    problem, keeping the ``Allow`` header."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            problem = problem_response(request, 405, "method_not_allowed",
                                       _("Metodo non consentito su questo indirizzo."))
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response

    return wrapper


_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    pattern.callback = _problem_405(pattern.callback)

urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    # Whatever else under /api/: a problem 404, never the portal's HTML page.
    re_path(r"^api/", problem_view),
]
