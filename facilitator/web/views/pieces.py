"""Pieces of a screen rendered once per content and kept: a change re-renders only the
pieces it changed, so a list of 800 rows costs what its changed rows cost.

A piece's HTML depends on its key (a frozen row, or a tuple of what it shows) and the
language, and on nothing else, so that pair is the key. Each cache is bounded (least
recently used out first) and shared by the rooms of this process.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from jinja2.runtime import Context
from markupsafe import Markup

from facilitator import i18n
from facilitator.web.views.memo import Memo


class Pieces:
    """The rendered pieces of one template, by key."""

    def __init__(self, template: str, limit: int) -> None:
        self.template = template
        self._kept: Memo[Markup] = Memo(limit)

    def html(self, context: Context, key: Hashable, values: Callable[[], dict[str, Any]]) -> Markup:
        """The piece for ``key`` in the render's language, kept or rendered now from
        ``values()`` (which must show nothing that ``key`` does not hold)."""
        language = str(context["lang"])

        def render() -> Markup:
            template = context.environment.get_template(self.template)
            return Markup(template.render({**i18n.render_context(language), **values()}))

        return self._kept.get((key, language), (), render)

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
