from django.urls import path

from sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("checkout/ec/v<int:version>/carts", views.carts, name="carts"),
    path("checkout/c/<uuid:cart_id>/", views.checkout, name="checkout"),
    path("checkout/c/<uuid:cart_id>/psp/", views.checkout_psp, name="checkout_psp"),
    path("checkout/c/<uuid:cart_id>/annulla/", views.checkout_cancel, name="checkout_cancel"),
    path("psp/", views.counter, name="counter"),
    path("psp/paga/", views.counter_pay, name="counter_pay"),
    path("pagamenti/<str:token>/", views.payment, name="payment"),
    path("aca/v1/paCreatePosition", views.aca_create_position, name="aca_api"),
    path("aca/", views.aca, name="aca"),
]
