"""``/<ente>/backoffice/posizioni/…``: included by backoffice/urls.py (same namespace)."""

from django.urls import path

from backoffice import paylink_views
from backoffice import position_views as views

urlpatterns = [
    path("", views.position_list, name="positions"),
    path("nuova/", views.position_create, name="position_create"),
    path("<int:pk>/", views.position_detail, name="position"),
    path("<int:pk>/modifica/", views.position_edit, name="position_edit"),
    path("<int:pk>/annulla/", views.position_cancel, name="position_cancel"),
    path("<int:pk>/riapri/", views.position_reopen, name="position_reopen"),
    path("<int:pk>/avviso.pdf", views.position_notice, name="position_notice"),
    path("<int:pk>/link/", paylink_views.issue, name="position_pay_link"),
    path("<int:pk>/link/revoca/", paylink_views.revoke, name="position_pay_link_revoke"),
    path("<int:pk>/link/qr.svg", paylink_views.qr, {"kind": "svg"},
         name="position_pay_link_qr"),
    path("<int:pk>/link/qr.png", paylink_views.qr, {"kind": "png"},
         name="position_pay_link_qr_png"),
]
