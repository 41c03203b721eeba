from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from organizations import views as organization_views
from sportello import views
from sportello.admin_login import admin_login

urlpatterns = [
    # Before admin.site.urls, so the admin's login POST passes the per-address rate limit.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("", organization_views.choose, name="home"),
    # The Ente systems' REST API, before the <ente> prefixes ("api" is no Ente's slug).
    path("", include("api.urls")),
    path("pagopa/", include("payments.ec_urls")),
    path("sandbox/", include("sandbox.urls")),
    path("", include("identity.urls")),
    path("<slug:ente>/logo", organization_views.logo, name="organization-logo"),
    path("<slug:ente>/backoffice/", include("backoffice.urls")),
    path("<slug:ente>/", include("positions.urls")),
    path("<slug:ente>/", include("accounts.urls")),
    path("<slug:ente>/", include("identity.ente_urls")),
    path("<slug:ente>/", include("payments.urls")),
    # After payments: /<ente>/paga/conferma/ is theirs, /<ente>/paga/<token>/ ours.
    path("<slug:ente>/", include("reminders.urls")),
    path("<slug:ente>/", include("documents.urls")),
    path("<slug:ente>/", include("organizations.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler400 = "organizations.errors.bad_request"
handler403 = "organizations.errors.permission_denied"
handler404 = "organizations.errors.page_not_found"
handler500 = "organizations.errors.server_error"
