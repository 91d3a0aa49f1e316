"""Pieces of a screen rendered once per content and kept: a change re-renders only the
pieces it changed, so a list of 800 rows costs what its changed rows cost.

A piece's HTML depends on its key (a frozen row, or a tuple of what it shows) and the
language, and on nothing else, so that pair is the key. Each cache is bounded (least
recently used out first) and shared by the rooms of this process.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from jinja2.runtime import Context
from markupsafe import Markup

from facilitator import i18n
from facilitator.rendering import register
from facilitator.web.views.memo import Memo


class Pieces:
    """The rendered pieces of one template, by key. ``part``: each piece is one element with
    its own id, which a page may be sent alone when it alone changed (``rendering.changes``)."""

    def __init__(self, template: str, limit: int, *, part: bool = False) -> None:
        self.template = template
        self.part = part
        self._kept: Memo[Markup] = Memo(limit)

    def html(
        self,
        context: Context,
        key: Hashable,
        values: Callable[[], dict[str, Any]],
        inputs: tuple[object, ...] = (),
    ) -> Markup:
        """The piece for ``key`` and the very objects ``inputs`` (``memo.Memo``) in the
        render's language, kept or rendered now from ``values()`` (which must show nothing
        that ``key`` and ``inputs`` do not hold). A row kept by identity is found by it: a
        look-up that does not hash the row's every field."""
        language = str(context["lang"])
        html = self._kept.get(
            (key, language), inputs, lambda: self._render(context, language, values())
        )
        if self.part:
            register(context, html)
        return html

    def each_in_workshop(
        self,
        context: Context,
        rows: Iterable[object],
        name: str,
        key: tuple[Hashable, ...] = (),
        values: dict[str, Any] | None = None,
    ) -> Markup:
        """The pieces of ``rows`` joined, each kept by the very row (``memo.Memo``) or rendered
        now with the row as ``name``: ``in_workshop`` for every row of a list (a section's
        hundred cards), the language and the workshop found once. ``key`` holds what else
        the pieces show alike (``values``, given to each render)."""
        if self.part:
            raise ValueError("parts are registered one by one: use in_workshop")
        language, workshop = str(context["lang"]), workshop_id(context)
        full = ((*key, workshop), language)
        shared = {**(values or {}), "workshop_id": workshop}
        found: list[str] = []
        for row in rows:
            made = functools.partial(self._render_row, context, language, shared, name, row)
            found.append(self._kept.get(full, (row,), made))
        return Markup("".join(found))  # each is Markup already: joined, not escaped again

    def _render_row(
        self, context: Context, language: str, shared: dict[str, Any], name: str, row: object
    ) -> Markup:
        return self._render(context, language, {**shared, name: row})

    def _render(self, context: Context, language: str, values: dict[str, Any]) -> Markup:
        template = context.environment.get_template(self.template)
        html = template.render({**i18n.render_context(language), **values})
        return Markup(html.strip() if self.part else html)  # a message starts with "<"

    def in_workshop(
        self,
        context: Context,
        key: tuple[Hashable, ...],
        values: dict[str, Any],
        inputs: tuple[object, ...] = (),
    ) -> Markup:
        """``html`` of a piece that holds the workshop's command address: keyed by the
        workshop's id as well, which its template reads as ``workshop_id``."""
        workshop = workshop_id(context)
        return self.html(
            context, (*key, workshop), lambda: {**values, "workshop_id": workshop}, inputs
        )

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


def workshop_id(context: Context) -> str:
    """The workshop's id: a screen's context holds its row, a kept piece's only the id."""
    known = context.get("workshop_id")
    return str(known) if known is not None else str(context["workshop"].id)
