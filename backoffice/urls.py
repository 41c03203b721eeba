from django.urls import path

from backoffice import login, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accedi/", login.login, name="login"),
    path("accedi/codice/", login.second_factor, name="second_factor"),
    path("esci/", views.logout, name="logout"),
]
