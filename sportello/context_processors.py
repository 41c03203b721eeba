from django.conf import settings

BOOTSTRAP_ITALIA_VERSION = "2.18.3"


def site(request):
    """What every page needs: the Ente being served and where its assets live."""
    return {
        "organization": getattr(request, "organization", None),
        "bi_static": f"vendor/bootstrap-italia/{BOOTSTRAP_ITALIA_VERSION}",
        "site_url": settings.SITE_URL,
    }
