"""``/<ente>/paga/<token>/`` and the reminders' unsubscribe page (included after
payments.urls, so ``paga/conferma/`` stays theirs)."""

from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path("paga/<str:token>/", views.pay, name="pay"),
    path("paga/<str:token>/avviso.pdf", views.notice, name="notice"),
    path("promemoria/disiscriviti/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
