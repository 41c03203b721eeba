"""Installation-wide SAML endpoints (one SP per scheme) and the demo IdP."""

from django.urls import path

from identity import demo_views, views

app_name = "identity"
urlpatterns = [
    path("demo-idp/metadata/", demo_views.metadata, name="demo_metadata"),
    path("demo-idp/sso/", demo_views.sso, name="demo_sso"),
    path("demo-idp/scegli/", demo_views.choose, name="demo_choose"),
    path("demo-idp/slo/", demo_views.slo, name="demo_slo"),
]
for _scheme in ("spid", "cie"):
    urlpatterns += [
        path(f"{_scheme}/metadata/", views.metadata, {"scheme": _scheme},
             name=f"{_scheme}_metadata"),
        path(f"{_scheme}/acs/", views.acs, {"scheme": _scheme}, name=f"{_scheme}_acs"),
        path(f"{_scheme}/ls/", views.single_logout, {"scheme": _scheme},
             name=f"{_scheme}_single_logout"),
        path(f"{_scheme}/completa/<str:token>/", views.complete, {"scheme": _scheme},
             name=f"{_scheme}_complete"),
    ]
