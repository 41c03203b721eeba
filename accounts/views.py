from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
from organizations.context import with_organization


class EnteLoginView(auth_views.LoginView):
    """*Accedi*: email and password; back to ``next`` or to the Ente's home."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("positions:search", args=[self.request.organization.slug])


class EnteLogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return reverse("positions:search", args=[self.request.organization.slug])


login = with_organization(EnteLoginView.as_view())
logout = with_organization(require_POST(EnteLogoutView.as_view()))


@with_organization
def register(request):
    return render(request, "registration/register_start.html")
