"""One Jinja2 environment for pages and for websocket pushes, autoescaped, per-render language."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from facilitator import __version__
from facilitator.paths import TEMPLATES
from facilitator.web import i18n


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install(env)
    env.globals["version"] = __version__
    return env


class Renderer:
    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or make_environment()

    def render(self, name: str, context: dict[str, Any], language: str) -> str:
        template = self.env.get_template(name)
        return template.render({**i18n.render_context(language), **context})

    def page(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        language = language_of(request)
        body = self.render(name, {"request": request, **context}, language)
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
