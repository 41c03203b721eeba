from django.urls import path

from backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accedi/", views.login, name="login"),
    path("esci/", views.logout, name="logout"),
]
