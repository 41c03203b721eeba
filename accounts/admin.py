from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class EmailUserAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "fiscal_code", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name", "fiscal_code")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Anagrafica", {"fields": ("first_name", "last_name", "fiscal_code")}),
        ("Permessi", {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                 "user_permissions")}),
        ("Date", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "password1", "password2")}),)
