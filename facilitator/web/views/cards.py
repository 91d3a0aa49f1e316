"""The console's cards, each rendered once per row and kept: a change re-renders only the
cards it changed, and a board of 800 ideas costs what its changed cards cost.

A card's HTML depends on its row (``console.Card``, frozen), the workshop (its command
address) and the language, and on nothing else, so that triple is the key. The cache is
bounded (least recently used out first) and shared by the rooms of this process.
"""

from __future__ import annotations

from collections import OrderedDict

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from facilitator import i18n

TEMPLATE = "fragments/console_card.html"
LIMIT = 20_000  # cards kept; a card is about a kilobyte
_kept: OrderedDict[tuple[object, str, str], Markup] = OrderedDict()


@jinja2.pass_context
def card_html(context: Context, card: object) -> Markup:
    """The card's HTML, from the cache or rendered now (called from the templates)."""
    language = str(context["lang"])
    workshop = str(context["workshop"].id)
    key = (card, workshop, language)
    found = _kept.get(key)
    if found is not None:
        _kept.move_to_end(key)
        return found
    template = context.environment.get_template(TEMPLATE)
    values = {**i18n.render_context(language), "card": card, "workshop_id": workshop}
    html = Markup(template.render(values))
    _kept[key] = html
    if len(_kept) > LIMIT:
        _kept.popitem(last=False)
    return html


def clear() -> None:
    """Forget every card (a benchmark's cold start; tests)."""
    _kept.clear()
