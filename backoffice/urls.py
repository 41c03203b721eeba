from django.urls import include, path

from backoffice import (
    appio_views,
    audit_views,
    ente_views,
    login,
    position_urls,
    receipt_views,
    reminder_views,
    service_views,
    staff_views,
    views,
    webhook_views,
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
    path("servizi/<int:pk>/promemoria/", reminder_views.service_reminders,
         name="service_reminders"),
    # The Ente's settings (bo-ente)
    path("ente/", ente_views.settings_page, name="ente"),
    # App IO (issue 18): the keys, and who no channel reaches
    path("app-io/", appio_views.io_settings, name="appio"),
    path("irraggiungibili/", appio_views.unreachable_list, name="unreachable"),
    # Notifications to the Ente's systems (webhooks)
    path("notifiche/", webhook_views.endpoint_list, name="webhooks"),
    path("notifiche/nuovo/", webhook_views.endpoint_create, name="webhook_create"),
    path("notifiche/<int:pk>/", webhook_views.endpoint_detail, name="webhook"),
    path("notifiche/<int:pk>/segreto/", webhook_views.endpoint_secret, name="webhook_secret"),
    path("notifiche/<int:pk>/prova/", webhook_views.endpoint_ping, name="webhook_ping"),
    path("notifiche/consegne/<int:pk>/", webhook_views.delivery_detail,
         name="webhook_delivery"),
    path("notifiche/consegne/<int:pk>/riprova/", webhook_views.delivery_retry,
         name="webhook_retry"),
]
