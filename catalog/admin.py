from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import LegalInterestRate, Service, ServiceField, SpontaneousSubmission


class ReadOnlyAdmin(admin.ModelAdmin):
    """Superusers read the catalog here; the Ente's responsabile edits it in the back
    office, where ``catalog.editing`` validates and audits every change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFieldInline(admin.StackedInline):
    """The spontaneous form's fields, one row each, in the order of ``position``."""

    model = ServiceField
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "name", "label", "kind", "required"), "help_text"]}),
        (_("Limiti"), {"fields": [("min_length", "max_length"), ("pattern", "pattern_message"),
                                   ("min_value", "max_value", "whole_number"), "choices"]}),
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "organization", "spontaneous_allowed", "amount_rule",
                    "active", "active_from", "active_to")
    list_filter = ("organization", "spontaneous_allowed", "active", "amount_rule")
    search_fields = ("name", "code")
    inlines = [ServiceFieldInline]
    fieldsets = [
        (None, {"fields": ["organization", "code", "name", "description", "taxonomy_code"]}),
        (_("Contabilità"), {"fields": ["accounting_chapter", "accounting_assessment"]}),
        (_("Disponibilità"), {"fields": ["active", ("active_from", "active_to"),
                                          "spontaneous_allowed"]}),
        (_("Importo"), {"fields": ["amount_rule", "fixed_amount_cents",
                                    ("min_amount_cents", "max_amount_cents"),
                                    "unit_price_cents", "amount_field"]}),
        (_("Dopo la scadenza"), {"fields": ["late_rule", "late_penalty_cents"]}),
        (_("Modulo e causale"), {"fields": ["causale_template", "instructions"]}),
    ]


@admin.register(LegalInterestRate)
class LegalInterestRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "rate_percent", "source")


@admin.register(SpontaneousSubmission)
class SpontaneousSubmissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "service", "position")
    list_select_related = ("user", "service", "position")
    readonly_fields = ("token", "user", "service", "position", "created_at")

    def has_add_permission(self, request):
        return False
