from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("paga/", views.start, name="start"),
    path("paga/conferma/", views.confirm, name="confirm"),
    path("paga/<uuid:attempt_id>/stato/", views.attempt_status, name="attempt_status"),
    path("paga/<uuid:attempt_id>/<str:kind>/", views.returned, name="returned"),
]
