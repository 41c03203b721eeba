from django.urls import path

from positions import views

app_name = "positions"
urlpatterns = [
    path("", views.search, name="search"),
    path("pratiche/<int:pk>/", views.detail, name="detail"),
]
