from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("accedi/", views.login, name="login"),
    path("esci/", views.logout, name="logout"),
    path("registrati/", views.register, name="register"),
]
