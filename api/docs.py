"""The browsable docs at /api/v1/docs: Swagger UI from static/vendor, started by a static
file of ours (static/api/docs.js) that reads the schema's address from a data attribute,
so the page holds no inline script or style and our strict CSP stays as it is."""

from __future__ import annotations

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SWAGGER_UI_VERSION = "5.35.0"


class VendoredSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {
            "api": api, "openapi_url": self.get_openapi_url(api, kwargs),
            "swagger_static": f"vendor/swagger-ui/{SWAGGER_UI_VERSION}",
        })
