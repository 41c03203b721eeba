"""Per Ente, under /<ente>/: the Ente chooses the SPID level and gets the payer back."""

from django.urls import path

from identity import views

app_name = "identity_ente"
urlpatterns = []
for _scheme in ("spid", "cie"):
    urlpatterns += [
        path(f"{_scheme}/accedi/", views.login, {"scheme": _scheme}, name=f"{_scheme}_login"),
        path(f"{_scheme}/esci/", views.logout, {"scheme": _scheme}, name=f"{_scheme}_logout"),
    ]
