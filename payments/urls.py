from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("paga/", views.start, name="start"),
]
