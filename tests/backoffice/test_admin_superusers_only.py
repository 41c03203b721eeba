"""The Django admin answers only to superusers: every admin URL refuses any other user,
staff of an Ente and even ``is_staff=True``."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse

from organizations.models import StaffRole
from tests.backoffice.conftest import login_staff, make_staff

ARG = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
OPEN_TO_ALL = {"admin:login", "admin:logout"}  # the door itself (logout is POST only)


def admin_paths() -> list[tuple[str, str]]:
    """(name, path) for every admin URL pattern, its arguments filled with ``1``."""
    found = []

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + route, ns)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace.strip(':')}:{pattern.name}" if pattern.name else ""
                path = ARG.sub("1", prefix + route).lstrip("^").rstrip("$")
                found.append((name, "/admin/" + path))

    walk(admin.site.get_urls(), "", "admin")
    return [(n, p) for n, p in found if n not in OPEN_TO_ALL and "(?P" not in p]


def test_the_walk_covers_the_models():
    names = {n for n, _ in admin_paths()}
    assert {"admin:index", "admin:accounts_user_changelist", "admin:accounts_user_change",
            "admin:audit_auditentry_changelist"} <= names
    assert len(names) > 60


@pytest.fixture
def staff_user(organization):
    user = make_staff(organization, "capo@example.it", StaffRole.MANAGER)
    user.is_staff = True  # the old way into the admin: no longer enough
    user.save()
    return user


def _refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith(reverse("admin:login"))
    return response.status_code in (403, 404, 405)


def test_every_admin_url_refuses_non_superuser_staff(client, staff_user):
    login_staff(client, staff_user)
    for name, path in admin_paths():
        for method in (client.get, client.post):
            response = method(path)
            assert _refused(response), (name, path, method.__name__, response.status_code)


def test_admin_login_refuses_staff_with_a_right_password(client, staff_user):
    response = client.post(reverse("admin:login"), {
        "username": staff_user.email, "password": "Password-lunga-123",
        "next": reverse("admin:index")})
    assert response.status_code == 200  # the form again
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_gets_in(client, django_user_model):
    root = django_user_model.objects.create_superuser("root@example.it", "Password-lunga-123")
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
