"""The wall's columns, each rendered once per content and kept (``views.pieces``): an idea
posted in one group re-renders that group's column, not the wall's two hundred. Each is a
part of the wall's fragment (``rendering.changes``): the wall is sent the column that
changed, not the board."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator.web.views.memo import Memo
from facilitator.web.views.pieces import Pieces

LIMIT = 4_000  # columns kept; a column is a few kilobytes at most
_columns = Pieces("fragments/wall_column.html", LIMIT, part=True)


def column_key(column: Mapping[str, Any], layout: str) -> Hashable:
    """All that a column shows (``wall_board._column`` makes its dict), and its layout."""
    ideas = tuple((i["id"], i["text"], i["theme"], i.get("votes")) for i in column["ideas"])
    earlier = bool(column.get("earlier"))
    return (layout, column["id"], column["label"], earlier, tuple(column["members"]), ideas)


# A column is kept by identity where it is made (``wall_board._column``), so its key is too: the
# content key is made once per column, not for the wall's every column on every change (and a
# column made again with the same content still finds its HTML by that key).
_keys: Memo[Hashable] = Memo(LIMIT)


@jinja2.pass_context
def columns_html(context: Context, columns: Sequence[Mapping[str, Any]], layout: str) -> Markup:
    """The columns' HTML, each kept or rendered now, in one call from
    fragments/wall_board.html (a call from the template per column cost 6 µs, 200 columns a
    change)."""
    return Markup("".join(column_html(context, column, layout) for column in columns))


def column_html(context: Context, column: Mapping[str, Any], layout: str) -> Markup:
    """One column's HTML, kept or rendered now (each a part of the wall's fragment)."""
    key = _keys.get(layout, (column,), lambda: column_key(column, layout))
    return _columns.html(context, key, lambda: {"column": column, "layout": layout})


def clear() -> None:
    _columns.clear()
    _keys.clear()
