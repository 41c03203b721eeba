from django.urls import path

from sandbox import io, views

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
    path("io/api/v1/profiles", io.profiles, name="io_profiles"),
    path("io/api/v1/messages", io.messages, name="io_messages"),
    path("io/api/v1/messages/<str:fiscal_code>/<str:message_id>", io.message,
         name="io_message"),
    path("io/", io.inbox, name="io"),
    path("io/<str:fiscal_code>/", io.inbox, name="io_inbox"),
    path("io/messaggi/<str:message_id>/paga/", io.pay, name="io_pay"),
]
