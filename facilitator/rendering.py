"""One Jinja2 environment for pages, websocket pushes and printable exports.

Autoescaped (Jinja2's own default is not), and rendering in any language per call: the
language travels in each render's context (``i18n.render_context``), never in globals.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from facilitator import __version__, i18n
from facilitator.paths import STATIC, TEMPLATES


@functools.cache
def static_url(name: str) -> str:
    """A static file's address with its content's hash: cached for a year by browsers and
    asked for again the moment the file changes (nothing to revalidate over bad wifi)."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install(env)
    env.globals["version"] = __version__
    env.globals["static"] = static_url
    return env


class Renderer:
    def __init__(self, env: Environment | None = None) -> None:
        self.env = env or make_environment()

    def render(self, name: str, context: dict[str, Any], language: str) -> str:
        template = self.env.get_template(name)
        return template.render({**i18n.render_context(language), **context})
