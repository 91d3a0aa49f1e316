"""The console's own pages: the preview of another role's screen, shown in a frame of the
console, and a printable page of the codes for the room. Facilitator only.

The preview renders the fragments of a participant (of a chosen group), a leader or the
projector as they are now, with no script, no socket, and nothing that can be pressed
(``inert``). It is the one answer that may be framed, and only by this server's own pages:
``frame-ancestors 'self'`` (the security middleware leaves a header the answer sets).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Role
from facilitator.core.actors import Actor
from facilitator.core.groups import group_number
from facilitator.web.errors import NotFound
from facilitator.web.pages import who
from facilitator.web.render import language_of, page
from facilitator.web.security import CSP
from facilitator.web.services import services
from facilitator.web.views.console import PREVIEW_ROLES, links_of, preview_context, preview_group
from facilitator.web.views.screens import FRAGMENTS, Scene, qr_svg, screen_context

FRAMED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
_LABELS = {
    Role.PARTICIPANT: i18n.N_("a participant"),
    Role.LEADER: i18n.N_("a leader"),
    Role.PROJECTOR: i18n.N_("the projector"),
}


async def preview(request: Request) -> Response:
    row, _actor, room = await who(request, Role.FACILITATOR)
    name = request.path_params.get("role") or request.query_params.get("role") or "participant"
    role = next((r for r in PREVIEW_ROLES if r.value == name), None)
    if role is None:
        raise NotFound()
    app = services(request)
    language = language_of(request)
    scene = Scene.of(room)
    group = preview_group(scene.state, scene.agenda, request.query_params.get("group") or None)
    context = screen_context(
        scene, row, Actor(role), language, base_url=app.settings.base_url(), now=app.clock()
    )
    context |= preview_context(scene, role, group)
    label = i18n.gettext(language, _LABELS[role])
    if group is not None:
        label += " · " + i18n.gettext(language, "Group {group}").format(group=group_number(group))
    context |= {
        "preview_role": role.value,
        "preview_label": label,
        "preview_fragments": FRAGMENTS[role],
    }
    response = page(app.renderer, request, "facilitator/preview.html", context)
    response.headers["content-security-policy"] = FRAMED_CSP
    response.headers["x-frame-options"] = "SAMEORIGIN"
    response.headers["cache-control"] = "no-store"
    return response


async def printable_links(request: Request) -> Response:
    """The codes for the room on one page: participants, leaders and guests, each with its
    address and QR code."""
    row, _actor, room = await who(request, Role.FACILITATOR)
    app = services(request)
    language = language_of(request)
    links = links_of(row, app.settings.base_url())

    def card(title: str, how: str, url: str, code: str) -> dict[str, str]:
        return {
            "title": i18n.gettext(language, title),
            "how": i18n.gettext(language, how),
            "url": url,
            "code": code,
            "qr": qr_svg(url),
        }

    cards = [
        card(
            i18n.N_("Participants"),
            i18n.N_(
                "Scan the code with your phone's camera, or open the address and type the code."
            ),
            links.join_url,
            links.join_code,
        ),
        card(
            i18n.N_("Leaders"),
            i18n.N_("Leaders join with their own code."),
            links.leader_url,
            links.leader_code,
        ),
    ]
    if links.guest_code and links.guest_url:
        cards.append(
            card(
                i18n.N_("Guests"),
                i18n.N_("Guests (the business leaders who speak) join with this code."),
                links.guest_url,
                links.guest_code,
            )
        )
    context = {
        "agenda_title": room.agenda.title.get(language),
        "print_cards": cards,
    }
    response = page(app.renderer, request, "facilitator/links.html", context)
    response.headers["cache-control"] = "no-store"
    return response


routes = [
    Route("/w/{workshop_id}/preview", preview),
    Route("/w/{workshop_id}/preview/{role}", preview),
    Route("/w/{workshop_id}/links", printable_links),
]
