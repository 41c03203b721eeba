from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("pratiche/<int:pk>/avviso.pdf", views.notice_pdf, name="notice"),
    path("ricevute/<int:pk>/quietanza.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("verifica/<str:token>/", views.verify_receipt, name="verify-receipt"),
    path("documenti/zip/", views.bundle_create, name="bundle-create"),
    path("profilo/i-miei-dati.json", views.personal_data_download, {"fmt": "json"},
         name="personal-data-json"),
    path("profilo/i-miei-dati.pdf", views.personal_data_download, {"fmt": "pdf"},
         name="personal-data-pdf"),
    path("documenti/<uuid:bundle_id>/", views.bundle_status, name="bundle"),
    path("documenti/<uuid:bundle_id>/scarica", views.bundle_download, name="bundle-download"),
]
