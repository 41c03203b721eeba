from django.urls import path

from positions import views

app_name = "positions"
urlpatterns = [
    path("", views.search, name="search"),
    path("pratiche/", views.home, name="home"),
    path("pratiche/storico/", views.history, name="history"),
    path("pratiche/storico/esporta.csv", views.history_export, name="history_export"),
    path("pratiche/nuova/", views.spontaneous_services, name="spontaneous_services"),
    path("pratiche/nuova/<slug:code>/", views.spontaneous_form, name="spontaneous_form"),
    path("pratiche/seguite/", views.followed, name="followed"),
    path("pratiche/<int:pk>/", views.detail, name="detail"),
    path("pratiche/<int:pk>/smetti-di-seguire/", views.unfollow, name="unfollow"),
    path("pratiche/<int:pk>/elimina/", views.withdraw, name="withdraw"),
]
