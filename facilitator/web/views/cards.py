"""The console's board in kept pieces (``views.pieces``): each card rendered once per row,
and each theme's section once per content. A change re-renders only the cards it changed and
the sections they are in, so a board of 800 ideas costs what its changed pieces cost.

A card's HTML depends on its row (``console.Card``, frozen), the workshop (its command
address) and the language, and on nothing else; a section's on its ``console.Section``
(which holds its cards), whether the board is read-only, the workshop and the language.
Cards and sections are kept by identity where they are made (``console._card``), so their
HTML is found by the very object: a look-up that does not hash a card's every field.
"""

from __future__ import annotations

from collections.abc import Sequence

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator.web.views.pieces import Pieces

LIMIT = 20_000  # cards kept; a card is about a kilobyte
SECTIONS = 2_000  # sections kept; one per theme and board state that is still shown
_cards = Pieces("fragments/console_card.html", LIMIT)
# A section is a part of the board's fragment: a post sends the page the section it is in
# (a card moved between two sections sends the board whole: ``rendering.changes``).
_sections = Pieces("fragments/console_section.html", SECTIONS, part=True)


@jinja2.pass_context
def cards_html(context: Context, cards: Sequence[object]) -> Markup:
    """The cards' HTML, each from the cache or rendered now, in their order
    (fragments/console_section.html)."""
    return _cards.each_in_workshop(context, cards, "card")


@jinja2.pass_context
def section_html(context: Context, section: object, readonly: bool) -> Markup:
    """The section's HTML with its cards, kept or rendered now (fragments/moderation.html)."""
    values = {"section": section, "readonly": readonly, "cards_html": cards_html}
    return _sections.in_workshop(context, (readonly,), values, inputs=(section,))


def clear() -> None:
    """Forget every card and section (a benchmark's cold start; tests)."""
    _cards.clear()
    _sections.clear()
