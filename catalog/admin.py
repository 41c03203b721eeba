from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import ServiceAdminForm, ServiceFieldFormSet
from catalog.models import Service, ServiceField, SpontaneousSubmission


class ServiceFieldInline(admin.StackedInline):
    """The spontaneous form's fields, one row each, in the order of ``position``."""

    model = ServiceField
    formset = ServiceFieldFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "name", "label", "kind", "required"), "help_text"]}),
        (_("Limiti"), {"fields": [("min_length", "max_length"), ("pattern", "pattern_message"),
                                   ("min_value", "max_value", "whole_number"), "choices"]}),
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ("name", "code", "organization", "spontaneous_allowed", "amount_rule",
                    "active", "active_from", "active_to")
    list_filter = ("organization", "spontaneous_allowed", "active", "amount_rule")
    search_fields = ("name", "code")
    inlines = [ServiceFieldInline]
    fieldsets = [
        (None, {"fields": ["organization", "code", "name", "description", "taxonomy_code"]}),
        (_("Disponibilità"), {"fields": ["active", ("active_from", "active_to"),
                                          "spontaneous_allowed"]}),
        (_("Importo"), {"fields": ["amount_rule", "fixed_amount_cents",
                                    ("min_amount_cents", "max_amount_cents"),
                                    "unit_price_cents", "amount_field"]}),
        (_("Modulo e causale"), {"fields": ["causale_template", "instructions"]}),
    ]


@admin.register(SpontaneousSubmission)
class SpontaneousSubmissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "service", "position")
    list_select_related = ("user", "service", "position")
    readonly_fields = ("token", "user", "service", "position", "created_at")

    def has_add_permission(self, request):
        return False
