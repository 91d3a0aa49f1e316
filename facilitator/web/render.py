"""Pages as HTTP responses, and what a request says about how to answer it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from facilitator import i18n
from facilitator.rendering import Renderer


def page(
    renderer: Renderer,
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    body = renderer.render(name, {"request": request, **context}, language)
    response = HTMLResponse(body, status_code=status_code)
    if request.query_params.get("lang") == language:
        # The switch is remembered per person (per browser), for a year.
        response.set_cookie(i18n.LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


def language_of(request: Request) -> str:
    return i18n.negotiate(
        request.cookies.get(i18n.LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
        request.query_params.get("lang"),
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
