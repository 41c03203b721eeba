from django.urls import include, path

from backoffice import audit_views, login, position_urls, staff_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("accedi/", login.login, name="login"),
    path("accedi/codice/", login.second_factor, name="second_factor"),
    path("accedi/identita/", login.identity_login, name="identity_login"),
    path("esci/", views.logout, name="logout"),
    path("personale/", staff_views.staff_list, name="staff"),
    path("personale/aggiungi/", staff_views.staff_add, name="staff_add"),
    path("personale/<int:member>/ruolo/", staff_views.staff_role, name="staff_role"),
    path("personale/<int:member>/rimuovi/", staff_views.staff_remove, name="staff_remove"),
    path("registro/", audit_views.audit_list, name="audit"),
    path("posizioni/", include(position_urls)),
]
