from django.contrib import admin

from sandbox.models import (
    AcaPosition,
    Cart,
    IoMessage,
    IoProfile,
    IoService,
    Payment,
    ReceiptDelivery,
    SandboxFlow,
    Station,
    TreasuryCredit,
)

admin.site.register(Station)
admin.site.register(Cart)
admin.site.register(Payment)
admin.site.register(ReceiptDelivery)
admin.site.register(AcaPosition)
admin.site.register(IoService)
admin.site.register(IoProfile)
admin.site.register(IoMessage)


@admin.register(SandboxFlow)
class SandboxFlowAdmin(admin.ModelAdmin):
    list_display = ("fdr", "revision", "psp_id", "organization_id", "status", "tot_payments",
                    "published_at", "malformed")
    list_filter = ("status", "psp_id")
    search_fields = ("fdr", "organization_id")


@admin.register(TreasuryCredit)
class TreasuryCreditAdmin(admin.ModelAdmin):
    list_display = ("booking_date", "organization_id", "amount_cents", "remittance", "psp_id")
    search_fields = ("remittance", "organization_id")
