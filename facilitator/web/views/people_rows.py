"""The console's people table in kept pieces (``views.pieces``): each person's row rendered
once per content, and a part of the table (``rendering``): someone coming online re-renders
and sends their row, not the rows of everyone."""

from __future__ import annotations

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator.web.views.people import Person, RowShape
from facilitator.web.views.pieces import Pieces

LIMIT = 8_000  # rows kept; a row is about two kilobytes
_rows = Pieces("fragments/person_row.html", LIMIT, part=True)


@jinja2.pass_context
def person_row(context: Context, person: Person, shape: RowShape) -> Markup:
    """The row's HTML, kept or rendered now (called from fragments/people.html)."""
    return _rows.in_workshop(context, (person, shape), {"person": person, "shape": shape})


def clear() -> None:
    _rows.clear()
