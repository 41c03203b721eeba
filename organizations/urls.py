"""The legal pages every Ente's portal carries, under /<ente>/."""

from django.urls import path

from organizations import views

app_name = "legal"
urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("note-legali/", views.legal_notes, name="legal_notes"),
    path("cookie/", views.cookies, name="cookies"),
]
