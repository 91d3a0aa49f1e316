"""The accessibility statement (tilgængelighedserklæring) that a Danish public body's web
pages must link to: what the pages conform to, what is known not to, and whom to tell."""

from __future__ import annotations

from datetime import date

from babel import dates
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from facilitator.web.render import language_of, page
from facilitator.web.services import services

# When the pages were last checked against WCAG 2.1 AA (tests/browser/test_phone.py runs
# axe-core on every phone page, in both languages, at 360 and 1280 pixels).
REVIEWED = date(2026, 11, 23)
_LOCALES = {"da": "da_DK", "en": "en_GB"}


async def accessibility(request: Request) -> Response:
    app = services(request)
    locale = _LOCALES.get(language_of(request), "da_DK")
    context = {
        "contact": app.settings.accessibility_contact.strip(),
        "reviewed": dates.format_date(REVIEWED, "long", locale=locale),
    }
    return page(app.renderer, request, "about/accessibility.html", context)


routes = [
    Route("/accessibility", accessibility),
    Route("/tilgaengelighed", accessibility),
]
