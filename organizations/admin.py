from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.services import EDITABLE_FIELDS


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "fiscal_code", "slug", "segregation_code", "station_id")
    search_fields = ("name", "fiscal_code", "slug")
    readonly_fields = ("next_iuv_base", "created_at")

    def get_readonly_fields(self, request, obj=None):
        """Once the Ente exists, what its responsabile edits is edited in its back office
        (validated and audited by ``organizations.services``), not here."""
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, *EDITABLE_FIELDS)
    fieldsets = (
        (None, {"fields": ("name", "slug", "fiscal_code", "sector", "logo")}),
        ("pagoPA", {"fields": ("segregation_code", "broker_id", "station_id", "iban",
                               "cbill_code", "next_iuv_base")}),
        (_("Bollettino postale"), {"fields": ("postal_account", "postal_account_holder",
                                           "postal_authorization")}),
        (_("Contatti"), {"fields": ("address", "email", "pec", "phone", "website")}),
        (_("Pagine legali"), {"fields": ("accessibility_statement_url", "feedback_url",
                                          "privacy_notice", "dpo_contact")}),
        (_("Accesso dei pagatori"), {"fields": ("ipa_code", "municipality_code", "spid_level",
                                                   "local_registration")}),
    )
