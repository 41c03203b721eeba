from django.contrib import admin

from mail.models import EmailAttachment, OutgoingEmail


class AttachmentInline(admin.TabularInline):
    model = EmailAttachment
    fields = ("filename", "content_type", "builder")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    readonly_fields = ("organization", "to", "subject", "body_text", "body_html", "status",
                       "attempts", "next_attempt_at", "last_error", "created_at", "sent_at")
    inlines = [AttachmentInline]

    def has_add_permission(self, request):
        return False
