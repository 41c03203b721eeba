"""Reading a ``CartRequest`` as the Checkout OpenAPI defines it (v1 and v2)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.models import Cart

_NOTICE = re.compile(r"^[0-9]{18}$")
_FISCAL_CODE = re.compile(r"^[0-9]{11}$")


class CartError(ValueError):
    """The body does not fit the carts API schema."""


def _url(value, site_url: str) -> str:
    """An absolute URL under ``site_url``: the sandbox sends payers back only to the portal
    it serves, never to an address a caller of the API chose (an open redirect)."""
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https") \
            or not urlsplit(value).netloc:
        raise CartError(f"not an absolute URL: {value!r}")
    if not under_site(value, site_url):
        raise CartError(f"return URL outside the portal ({site_url}): {value!r}")
    return value


def under_site(url: str, site_url: str) -> bool:
    """Same scheme and host (with port) as ``site_url``, and a path below its path."""
    target, site = urlsplit(url), urlsplit(site_url)
    if (target.scheme.lower(), target.netloc.lower()) != (site.scheme.lower(),
                                                          site.netloc.lower()):
        return False
    base = site.path.rstrip("/")
    return target.path == base or target.path.startswith(base + "/")


def cart_from_json(data, version: int, site_url: str) -> Cart:
    if version not in (1, 2):
        raise CartError("unknown API version")
    if not isinstance(data, dict):
        raise CartError("body must be a JSON object")
    notices = data.get("paymentNotices")
    if not isinstance(notices, list) or not 1 <= len(notices) <= 5:
        raise CartError("paymentNotices: 1 to 5 items")
    for notice in notices:
        if not isinstance(notice, dict):
            raise CartError("paymentNotices: objects expected")
        if not _NOTICE.match(str(notice.get("noticeNumber", ""))):
            raise CartError("noticeNumber: 18 digits")
        if not _FISCAL_CODE.match(str(notice.get("fiscalCode", ""))):
            raise CartError("fiscalCode: 11 digits")
        amount = notice.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise CartError("amount: integer cents >= 1")
        for name in ("companyName", "description"):
            if not isinstance(notice.get(name), str) or len(notice[name]) > 140:
                raise CartError(f"{name}: text up to 140 characters")
    urls = data.get("returnUrls")
    if not isinstance(urls, dict):
        raise CartError("returnUrls is required")
    waiting = _url(urls.get("returnWaitingUrl"), site_url) if version == 2 else ""
    return Cart(
        version=version, notices=notices, return_ok=_url(urls.get("returnOkUrl"), site_url),
        return_cancel=_url(urls.get("returnCancelUrl"), site_url),
        return_error=_url(urls.get("returnErrorUrl"), site_url), return_waiting=waiting,
        email=str(data.get("emailNotice") or "")[:256], all_ccp=data.get("allCCP") is True,
        id_cart=str(data.get("idCart") or "")[:210],
    )
