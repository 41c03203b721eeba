from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("accedi/", views.login, name="login"),
    path("esci/", views.logout, name="logout"),
    path("esci-da-tutte/", views.logout_all, name="logout_all"),
    path("aggiungi-utenza/", views.add_account, name="add_account"),
    path("cambia-utenza/", views.switch, name="switch"),
    path("registrati/", views.register, name="register"),
    path("registrati/anagrafica/", views.register_details, name="register_details"),
    path("registrati/inviata/", views.register_done, name="register_done"),
    path("registrati/comuni.json", views.municipalities, name="municipalities"),
    path("attiva/nuovo-link/", views.resend_activation, name="resend_activation"),
    path("attiva/<str:token>/", views.activate, name="activate"),
    path("password-dimenticata/", views.password_reset, name="password_reset"),
    path("password-dimenticata/inviata/", views.password_reset_done,
         name="password_reset_done"),
    path("password-dimenticata/completata/", views.password_reset_complete,
         name="password_reset_complete"),
    path("password-dimenticata/<uidb64>/<token>/", views.password_reset_confirm,
         name="password_reset_confirm"),
    path("profilo/", views.profile, name="profile"),
    path("profilo/password/", views.password_change, name="password_change"),
    path("profilo/chiudi/", views.close, name="close"),
    path("profilo/email/", views.email_change, name="email_change"),
    path("profilo/email/<str:token>/", views.email_change_confirm,
         name="email_change_confirm"),
    path("profilo/verifica-codice-fiscale/", views.verify_fiscal_code,
         name="verify_fiscal_code"),
]
