from django.urls import include, path

from backoffice import (
    api_token_views,
    audit_views,
    ente_views,
    import_views,
    login,
    position_urls,
    receipt_views,
    service_views,
    staff_views,
    views,
)

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
    # Receipts (bo-ente)
    path("ricevute/", receipt_views.receipt_list, name="receipts"),
    path("ricevute/da-verificare/", receipt_views.work_queue, name="receipt_queue"),
    path("ricevute/<int:pk>/", receipt_views.receipt_detail, name="receipt"),
    path("ricevute/<int:pk>/applica/", receipt_views.apply_after_review, name="receipt_apply"),
    path("ricevute/<int:pk>/gestita/", receipt_views.mark_handled, name="receipt_handled"),
    # Services (bo-ente)
    path("servizi/", service_views.service_list, name="services"),
    path("servizi/nuovo/", service_views.service_create, name="service_create"),
    path("servizi/<int:pk>/", service_views.service_edit, name="service"),
    # The Ente systems' API tokens (responsabile)
    path("token-api/", api_token_views.token_list, name="api_tokens"),
    path("token-api/<int:pk>/revoca/", api_token_views.token_revoke, name="api_token_revoke"),
    # File import of positions (issue 14)
    path("importazione/", import_views.import_home, name="imports"),
    path("importazione/modello.csv", import_views.import_template_file, {"fmt": "csv"},
         name="import_template_csv"),
    path("importazione/modello.xlsx", import_views.import_template_file, {"fmt": "xlsx"},
         name="import_template_xlsx"),
    path("importazione/<int:pk>/", import_views.import_run, name="import_run"),
    path("importazione/<int:pk>/stato/", import_views.import_run_status,
         name="import_run_status"),
    path("importazione/<int:pk>/conferma/", import_views.import_confirm,
         name="import_confirm"),
    # The Ente's settings (bo-ente)
    path("ente/", ente_views.settings_page, name="ente"),
]
