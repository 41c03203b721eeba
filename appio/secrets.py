"""The IO service keys at rest: encrypted with Fernet (``cryptography``), never logged.

The encryption key is derived from ``SECRET_KEY`` with HKDF and a purpose of its own,
so no new secret has to be managed and a database dump alone does not reveal the IO
keys. ``SECRET_KEY_FALLBACKS`` are tried too (``MultiFernet``): rotating SECRET_KEY
keeps the stored keys readable while the old key is listed there; once it is dropped,
the responsabile enters the IO keys again (the page says they cannot be read).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"sportello.appio.service-key"


def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sportello-appio",
                   info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _multi() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def encrypt(plain: str) -> str:
    return _multi().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str | None:
    """The key, or None when it cannot be read (SECRET_KEY changed without fallback)."""
    if not token:
        return None
    try:
        return _multi().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def mask(plain: str | None) -> str:
    """What staff see of a key: its last four characters."""
    if not plain:
        return ""
    return "•" * 8 + plain[-4:] if len(plain) > 8 else "•" * 8
