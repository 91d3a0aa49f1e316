"""One Jinja2 environment for pages, websocket pushes and printable exports.

Autoescaped (Jinja2's own default is not), and rendering in any language per call: the
language travels in each render's context (``i18n.render_context``), never in globals.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from facilitator import __version__, i18n
from facilitator.paths import TEMPLATES


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
