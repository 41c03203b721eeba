"""Several accounts in one browser (*Gestione utenze*).

The session keeps the list of accounts that logged in *with their password* in this
browser; ``request.user`` is the active one. Switching logs in as another held account
without asking its password again; nothing else can be switched to. Each held entry
carries a fingerprint of the account's password hash and active flag, so changing the
password or deactivating an account drops it from every browser holding it (the active
account itself is covered by Django's session auth hash).

``django.contrib.auth.login`` empties the session when a different user logs in (so
nothing of one account survives into another): the held list is read before and written
back after it, and is the only thing carried across.
"""

from __future__ import annotations

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

HELD_KEY = "held_accounts"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def fingerprint(user: User) -> str:
    return salted_hmac("accounts.held", f"{user.pk}|{user.password}|{user.is_active}",
                       algorithm="sha256").hexdigest()


def _entry(user: User) -> dict:
    return {"id": user.pk, "fp": fingerprint(user)}


def _valid_entries(request) -> tuple[list[dict], dict[int, User]]:
    """The held entries that still match their account, pruning the others."""
    entries = [e for e in request.session.get(HELD_KEY, [])
               if isinstance(e, dict) and "id" in e and "fp" in e]
    users = User.objects.filter(pk__in=[e["id"] for e in entries], is_active=True)
    by_id = {user.pk: user for user in users}
    kept = [e for e in entries
            if e["id"] in by_id and constant_time_compare(e["fp"], fingerprint(by_id[e["id"]]))]
    if kept != request.session.get(HELD_KEY, []):
        request.session[HELD_KEY] = kept
    return kept, by_id


def held_accounts(request) -> list[User]:
    """Every account held in this browser, in the order they logged in."""
    if not request.user.is_authenticated:
        return []
    kept, by_id = _valid_entries(request)
    if request.user.pk not in by_id:  # logged in elsewhere (e.g. the admin login)
        kept.append(_entry(request.user))
        request.session[HELD_KEY] = kept
        by_id[request.user.pk] = request.user
    return [by_id[e["id"]] for e in kept]


def _login_keeping(request, user: User, entries: list[dict], **kwargs) -> None:
    auth_login(request, user, **kwargs)
    request.session[HELD_KEY] = entries


def sign_in(request, user: User) -> None:
    """A login with password: ``user`` becomes active and joins the held accounts."""
    held = held_accounts(request)
    entries = [_entry(other) for other in held if other.pk != user.pk] + [_entry(user)]
    _login_keeping(request, user, entries)


def switch_to(request, user_id: int) -> User | None:
    """Make a held account active; None when ``user_id`` is not held (any more)."""
    entries, by_id = _valid_entries(request)
    user = by_id.get(user_id)
    if user is None or not any(e["id"] == user_id for e in entries):
        return None
    if user.pk != request.user.pk:
        _login_keeping(request, user, entries, backend=BACKEND)
    return user


def sign_out_current(request) -> User | None:
    """*Esci*: drop the active account; another held one, if any, becomes active."""
    entries, by_id = _valid_entries(request)
    remaining = [e for e in entries if e["id"] != request.user.pk]
    auth_logout(request)
    if not remaining:
        return None
    user = by_id[remaining[-1]["id"]]
    _login_keeping(request, user, remaining, backend=BACKEND)
    return user


def sign_out_all(request) -> None:
    """*Esci da tutte*: the whole browser session goes."""
    auth_logout(request)


def refresh_current(request) -> None:
    """After the active account changed its own password: keep holding it here."""
    current = _entry(request.user)
    entries = [current if e.get("id") == current["id"] else e
               for e in request.session.get(HELD_KEY, [])]
    if current not in entries:
        entries.append(current)
    request.session[HELD_KEY] = entries
