"""Superusers' view of App IO: the messages as recorded, the configurations without
their keys (staff enter keys in the back office only)."""

from django.contrib import admin

from appio.models import IoConfig, IoMessage


@admin.register(IoMessage)
class IoMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "position", "kind", "state", "attempts",
                    "last_status_code")
    list_filter = ("state", "kind", "organization")
    readonly_fields = [f.name for f in IoMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(IoConfig)
class IoConfigAdmin(admin.ModelAdmin):
    list_display = ("organization", "enabled", "suspended_at")
    fields = ("organization", "enabled", "suspended_at", "suspension_error")
    readonly_fields = ("organization", "suspended_at", "suspension_error")

    def has_add_permission(self, request) -> bool:
        return False
