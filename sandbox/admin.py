from django.contrib import admin

from sandbox.models import (
                            AcaPosition,
                            Cart,
                            IoMessage,
                            IoProfile,
                            IoService,
                            Payment,
                            ReceiptDelivery,
                            Station,
)

admin.site.register(Station)
admin.site.register(Cart)
admin.site.register(Payment)
admin.site.register(ReceiptDelivery)
admin.site.register(AcaPosition)
admin.site.register(IoService)
admin.site.register(IoProfile)
admin.site.register(IoMessage)
