"""The one way pagoPA's REST APIs are called: JSON POST with the APIM subscription key,
no redirect following (a redirect is an answer to read, not to follow)."""

from __future__ import annotations

from typing import Any

import requests


def post_json(
    url: str,
    api_key: str,
    body: dict[str, Any],
    *,
    session: requests.Session | None,
    timeout: float | tuple[float, float],
    unreachable: type[Exception],
    what: str,
) -> requests.Response:
    """POST ``body``; transport failures become ``unreachable(...)``."""
    http = session or requests.Session()
    try:
        return http.post(
            url,
            json=body,
            headers={"Ocp-Apim-Subscription-Key": api_key, "Accept": "application/json"},
            allow_redirects=False,
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise unreachable(f"{what} unreachable: {type(exc).__name__}") from exc
    finally:
        if session is None:
            http.close()


def get_json(
    url: str,
    api_key: str,
    params: dict[str, Any] | None = None,
    *,
    session: requests.Session | None,
    timeout: float | tuple[float, float],
    unreachable: type[Exception],
    what: str,
) -> requests.Response:
    """GET ``url`` with ``params``; transport failures become ``unreachable(...)``."""
    http = session or requests.Session()
    try:
        return http.get(
            url,
            params=params,
            headers={"Ocp-Apim-Subscription-Key": api_key, "Accept": "application/json"},
            allow_redirects=False,
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise unreachable(f"{what} unreachable: {type(exc).__name__}") from exc
    finally:
        if session is None:
            http.close()
