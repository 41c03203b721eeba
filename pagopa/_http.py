"""The one way pagoPA's REST APIs are called: JSON POST with the APIM subscription key,
no redirect following (a redirect is an answer to read, not to follow)."""

from __future__ import annotations

from typing import Any

import requests


def _send(method: str, url: str, api_key: str, *, session: requests.Session | None,
          timeout: float | tuple[float, float], unreachable: type[Exception], what: str,
          **arguments: Any) -> requests.Response:
    """One call with the subscription key; transport failures become ``unreachable(...)``."""
    http = session or requests.Session()
    try:
        return http.request(
            method, url,
            headers={"Ocp-Apim-Subscription-Key": api_key, "Accept": "application/json"},
            allow_redirects=False, timeout=timeout, **arguments)
    except requests.RequestException as exc:
        raise unreachable(f"{what} unreachable: {type(exc).__name__}") from exc
    finally:
        if session is None:
            http.close()


def post_json(url: str, api_key: str, body: dict[str, Any], *,
              session: requests.Session | None, timeout: float | tuple[float, float],
              unreachable: type[Exception], what: str) -> requests.Response:
    """POST ``body``."""
    return _send("POST", url, api_key, session=session, timeout=timeout,
                 unreachable=unreachable, what=what, json=body)


def get_json(url: str, api_key: str, params: dict[str, Any] | None = None, *,
             session: requests.Session | None, timeout: float | tuple[float, float],
             unreachable: type[Exception], what: str) -> requests.Response:
    """GET ``url`` with ``params``."""
    return _send("GET", url, api_key, session=session, timeout=timeout,
                 unreachable=unreachable, what=what, params=params)
