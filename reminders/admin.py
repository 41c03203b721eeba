"""Superusers' view of reminders: policies editable, the rest read-only records."""

from django.contrib import admin

from reminders.models import PayLink, Reminder, ReminderOptOut, ReminderPolicy


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ("service", "enabled", "days_before", "day_after")
    list_filter = ("enabled",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnly):
    list_display = ("position", "option", "kind", "due_date", "outcome", "recipients",
                    "created_at")
    list_filter = ("kind", "outcome")
    raw_id_fields = ("position", "option")


@admin.register(PayLink)
class PayLinkAdmin(ReadOnly):
    list_display = ("position", "created_at", "created_by", "revoked_at", "revoked_by")
    raw_id_fields = ("position",)
    exclude = ("public_id",)  # half of a working link: not shown


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnly):
    list_display = ("email", "organization", "created_at")
    search_fields = ("email",)
