"""A phone's board in kept pieces (``views.pieces``): each idea rendered once per row and the
way it is shown, so a post renders one item on a group's board, not the board's every idea.

An item's HTML depends on its row (``board.IdeaRow``, kept by identity: ``board._rows``), on
how the board shows ideas (``Item``), the workshop (its command address) and the language,
and on nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator.web.views.pieces import Pieces

LIMIT = 20_000  # items kept; an item is under a kilobyte
_items = Pieces("fragments/board_idea.html", LIMIT)


@dataclass(frozen=True)
class Item:
    """How the board shows each of its ideas: what an item reads besides its row."""

    prefix: str  # of the item's id: "board", or "earlier" for earlier phases' ideas
    voting: bool  # vote buttons (a vote phase whose result is not revealed)
    max_per_idea: int | None
    editable: bool  # an author may edit or delete (the page shows the controls on theirs)
    noun: str | None  # "commitment" on a board of commitments


@jinja2.pass_context
def idea_items(
    context: Context,
    ideas: Sequence[object],
    prefix: str,
    controls: bool,
    vote: Mapping[str, Any] | None,
    editable: bool,
    noun: str | None,
) -> Markup:
    """The ideas' items joined, each kept or rendered now (fragments/board.html)."""
    voting = bool(controls and vote and not vote["revealed"])
    item = Item(
        prefix=prefix,
        voting=voting,
        max_per_idea=vote["max_per_idea"] if voting and vote else None,
        editable=bool(controls and editable),
        noun=str(noun) if noun else None,  # a board without one passes Jinja's Undefined
    )
    return _items.each_in_workshop(context, ideas, "idea", key=(item,), values={"item": item})


def clear() -> None:
    """Forget every item (a benchmark's cold start; tests)."""
    _items.clear()
