"""The console's cards, each rendered once per row and kept (``views.pieces``): a change
re-renders only the cards it changed, and a board of 800 ideas costs what its changed cards
cost. A card's HTML depends on its row (``console.Card``, frozen), the workshop (its command
address) and the language, and on nothing else.
"""

from __future__ import annotations

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator.web.views.pieces import Pieces

LIMIT = 20_000  # cards kept; a card is about a kilobyte
_cards = Pieces("fragments/console_card.html", LIMIT)


@jinja2.pass_context
def card_html(context: Context, card: object) -> Markup:
    """The card's HTML, from the cache or rendered now (called from the templates)."""
    workshop = str(context["workshop"].id)
    return _cards.html(context, (card, workshop), lambda: {"card": card, "workshop_id": workshop})


def clear() -> None:
    """Forget every card (a benchmark's cold start; tests)."""
    _cards.clear()
