from django.contrib import admin

from sandbox.models import AcaPosition, Cart, Payment, ReceiptDelivery, Station

admin.site.register(Station)
admin.site.register(Cart)
admin.site.register(Payment)
admin.site.register(ReceiptDelivery)
admin.site.register(AcaPosition)
