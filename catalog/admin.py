from django.contrib import admin

from catalog.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "organization", "spontaneous_allowed", "active")
    list_filter = ("organization", "spontaneous_allowed", "active")
    search_fields = ("name", "code")
