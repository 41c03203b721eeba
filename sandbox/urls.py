from django.urls import path, re_path

from sandbox import fdr_views as fv
from sandbox import io, views

PSP = "fdr-psp/service/v1/"
ORG = "fdr-org/service/v1/organizations/<str:organization_id>/fdrs"

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
    path("fdr/", fv.page, name="fdr"),
    # FdR: the PSP side (openapi-psp.json) and the organisations' side, at pagoPA's paths.
    path(PSP + "info", fv.info, name="fdr_psp_info"),
    path(PSP + "psps/<str:psp_id>/fdrs/<str:name>", fv.psp_flow, name="fdr_psp_flow"),
    path(PSP + "psps/<str:psp_id>/fdrs/<str:name>/payments/add", fv.psp_add,
         name="fdr_psp_add"),
    path(PSP + "psps/<str:psp_id>/fdrs/<str:name>/payments/del", fv.psp_delete_payments,
         name="fdr_psp_del"),
    path(PSP + "psps/<str:psp_id>/fdrs/<str:name>/publish", fv.psp_publish,
         name="fdr_psp_publish"),
    path(PSP + "psps/<str:psp_id>/created", fv.psp_created, name="fdr_psp_created"),
    path(PSP + "psps/<str:psp_id>/created/fdrs/<str:name>/organizations/<str:organization_id>",
         fv.psp_created_flow, name="fdr_psp_created_flow"),
    path(PSP + "psps/<str:psp_id>/created/fdrs/<str:name>/organizations/<str:organization_id>"
         "/payments", fv.psp_created_payments, name="fdr_psp_created_payments"),
    path(PSP + "psps/<str:psp_id>/published", fv.psp_published, name="fdr_psp_published"),
    path(PSP + "psps/<str:psp_id>/published/fdrs/<str:name>/revisions/<int:revision>"
         "/organizations/<str:organization_id>", fv.psp_published_flow,
         name="fdr_psp_published_flow"),
    path(PSP + "psps/<str:psp_id>/published/fdrs/<str:name>/revisions/<int:revision>"
         "/organizations/<str:organization_id>/payments", fv.psp_published_payments,
         name="fdr_psp_published_payments"),
    path("fdr-org/service/v1/info", fv.info, name="fdr_org_info"),
    path(ORG, fv.org_flows, name="fdr_org_flows"),
    path(ORG + "/<str:name>/revisions/<int:revision>/psps/<str:psp_id>", fv.org_flow,
         name="fdr_org_flow"),
    path(ORG + "/<str:name>/revisions/<int:revision>/psps/<str:psp_id>/payments",
         fv.org_payments, name="fdr_org_payments"),
    re_path(r"^fdr-(?:psp|org)/", fv.not_found),
]
