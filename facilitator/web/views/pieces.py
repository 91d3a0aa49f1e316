"""Pieces of a screen rendered once per content and kept: a change re-renders only the
pieces it changed, so a list of 800 rows costs what its changed rows cost.

A piece's HTML depends on its key (a frozen row, or a tuple of what it shows) and the
language, and on nothing else, so that pair is the key. Each cache is bounded (least
recently used out first) and shared by the rooms of this process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from jinja2.runtime import Context
from markupsafe import Markup

from facilitator import i18n


class Pieces:
    """The rendered pieces of one template, by key."""

    def __init__(self, template: str, limit: int) -> None:
        self.template, self.limit = template, limit
        self._kept: OrderedDict[tuple[Hashable, str], Markup] = OrderedDict()

    def html(self, context: Context, key: Hashable, values: Callable[[], dict[str, Any]]) -> Markup:
        """The piece for ``key`` in the render's language, kept or rendered now from
        ``values()`` (which must show nothing that ``key`` does not hold)."""
        language = str(context["lang"])
        full = (key, language)
        found = self._kept.get(full)
        if found is not None:
            self._kept.move_to_end(full)
            return found
        template = context.environment.get_template(self.template)
        html = Markup(template.render({**i18n.render_context(language), **values()}))
        self._kept[full] = html
        if len(self._kept) > self.limit:
            self._kept.popitem(last=False)
        return html

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
