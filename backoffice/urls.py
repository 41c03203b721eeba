from django.urls import include, path

from backoffice import login, position_urls, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accedi/", login.login, name="login"),
    path("accedi/codice/", login.second_factor, name="second_factor"),
    path("esci/", views.logout, name="logout"),
    path("posizioni/", include(position_urls)),
]
