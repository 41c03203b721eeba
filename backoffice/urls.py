from django.urls import include, path

from backoffice import position_urls, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accedi/", views.login, name="login"),
    path("esci/", views.logout, name="logout"),
    path("posizioni/", include(position_urls)),
]
