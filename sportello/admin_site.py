"""The Django admin answers only to the installation's superusers.

An Ente's staff work in the back office (``/<ente>/backoffice/``), where every query is
scoped to their Ente; the admin sees every Ente at once, so ``is_staff`` alone (Django's
default) must not open it. ``AdminConfig`` replaces ``django.contrib.admin`` in
INSTALLED_APPS so that ``admin.site`` *is* this site and every ``@admin.register`` lands here.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SuperuserLoginForm(AdminAuthenticationForm):
    """The admin's login: a right password of anyone but a superuser is refused, with the
    same message as a wrong one (nothing learnt), and nobody is logged in."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class SuperuserAdminSite(admin.AdminSite):
    login_form = SuperuserLoginForm
    site_header = _("Sportello · amministrazione dell'installazione")
    site_title = _("Amministrazione di Sportello")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
