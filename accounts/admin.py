from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

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
        return False  # staff verify in *Verifiche del codice fiscale*, per Ente

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # as in FiscalCodeVerificationAdmin, see there


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


class StaffVerificationForm(forms.ModelForm):
    """Staff verify an account's declared codice fiscale for one Ente (per Ente, as the
    issue's identity model wants: it opens that Ente's positions of the code only)."""

    class Meta:
        model = FiscalCodeVerification
        fields = ("user", "organization", "evidence")
        labels = {"evidence": _("riferimento del documento visto")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = True

    def clean(self):
        data = super().clean()
        user, organization = data.get("user"), data.get("organization")
        if user is not None and not user.fiscal_code:
            self.add_error("user", _("Questa utenza non ha dichiarato un codice fiscale."))
        elif user is not None and organization is not None and (
                FiscalCodeVerification.objects.filter(
                    user=user, fiscal_code=user.fiscal_code,
                    organization=organization).exists()):
            self.add_error("organization", _(
                "Il codice fiscale di questa utenza è già verificato per questo Ente."))
        return data


@admin.register(FiscalCodeVerification)
class FiscalCodeVerificationAdmin(admin.ModelAdmin):
    """*Verifiche del codice fiscale*: add one to verify a code for an Ente (who and when
    are recorded); delete one to withdraw it. Existing proofs are never edited."""

    form = StaffVerificationForm
    list_display = ("user", "fiscal_code", "method", "organization", "verified_at",
                    "verified_by")
    list_filter = ("method", "organization")
    search_fields = ("user__email", "fiscal_code")
    autocomplete_fields = ("user",)

    # A staff proof opens the Ente's positions to the account. Until staff belong to an
    # Ente (per-Ente staff roles, the back office issue), only superusers may record or
    # withdraw one: a staff user of another Ente must not grant access here.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        """Through ``verification.record``: the same rule and the same audit entry."""
        saved = verification.record(obj.user, FiscalCodeVerification.Method.STAFF,
                                    organization=obj.organization, evidence=obj.evidence,
                                    verified_by=request.user, request=request)
        obj.pk, obj.fiscal_code, obj.method = saved.pk, saved.fiscal_code, saved.method
