from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import verification
from accounts.models import FiscalCodeVerification, User


class FiscalCodeVerificationInline(admin.TabularInline):
    """Who verified which code, how and when. Deleting a row withdraws the proof."""

    model = FiscalCodeVerification
    fk_name = "user"
    extra = 0
    can_delete = True
    fields = ("fiscal_code", "method", "organization", "evidence", "verified_at",
              "verified_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # staff verify with the action, which records who did it


@admin.register(User)
class EmailUserAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "company_name", "fiscal_code",
                    "is_active", "awaiting_activation", "is_staff")
    list_filter = ("is_active", "awaiting_activation", "entity_type", "fiscal_code_level",
                   "is_staff")
    readonly_fields = ("fiscal_code_level",)
    search_fields = ("email", "first_name", "last_name", "company_name", "fiscal_code")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Anagrafica"), {"fields": ("entity_type", "first_name", "last_name",
                                      "company_name", "fiscal_code", "fiscal_code_level",
                                      "address", "nation",
                                      "city", "province", "postal_code", "phone")}),
        (_("Permessi"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                    "user_permissions")}),
        (_("Date"), {"fields": ("last_login", "date_joined", "awaiting_activation",
                                "activation_sent_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "password1", "password2")}),)
    inlines = [FiscalCodeVerificationInline]
    actions = ["verify_fiscal_code"]

    @admin.action(description=_("Verifica il codice fiscale dichiarato"))
    def verify_fiscal_code(self, request, queryset):
        done = 0
        for user in queryset.exclude(fiscal_code=""):
            verification.record(user, FiscalCodeVerification.Method.STAFF,
                                verified_by=request.user)
            done += 1
        self.message_user(request, ngettext(
            "Codice fiscale verificato per %(count)d utenza.",
            "Codice fiscale verificato per %(count)d utenze.", done) % {"count": done},
            messages.SUCCESS)
