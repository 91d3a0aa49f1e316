"""The live parts of each screen, rendered once per distinct view (cached in the room).

A websocket of the htmx pages receives these fragments after every change; each has an id,
and the page swaps each into the element with the same id.
"""

from __future__ import annotations

from typing import Any

import segno

from facilitator.agenda import GroupWorkPhase, Role, Text
from facilitator.core.actors import Actor
from facilitator.live.room import Room
from facilitator.store import reflections
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web.services import Services
from facilitator.web.views.agenda import console_context
from facilitator.web.views.board import board_context, personal, view_group
from facilitator.web.views.catalogue import catalogue_context


def join_url(base_url: str, row: Workshop) -> str:
    return f"{base_url}/join/{row.join_code}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code, made here: nothing is fetched from elsewhere."""
    svg: str = segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#1b1f24")
    return svg


def people_context(room: Room) -> dict[str, Any]:
    state = room.state
    phase = state.current_phase(room.agenda)
    groups = dict(state.board.groups.get(phase.key, {})) if phase else {}
    members = [
        {
            "id": m.id,
            "name": m.name,
            "department": m.department,
            "role": m.role,
            "online": m.id in room.online,
            "group": groups.get(m.id),
        }
        for m in state.board.members.values()
    ]
    return {
        "members": members,
        "group_ids": sorted(set(groups.values()), key=lambda g: (len(g), g)),
        "phase_kind": phase.kind.value if phase else None,
        "online_count": sum(1 for m in members if m["online"]),
    }


def screen_context(
    app: Services, room: Room, row: Workshop, actor: Actor, language: str
) -> dict[str, Any]:
    """Everything a page or fragment of this role needs (no personal data)."""
    base_url = app.settings.base_url()
    group = view_group(room.state, room.agenda, actor)
    context = console_context(room, row, app.clock(), language, base_url)
    context |= board_context(room.state, room.agenda, actor, group)
    context["role"] = actor.role.value
    context["shared_reflections"] = _shared_reflections(app, room, row, group)
    departments = {
        key: Text.model_validate(name).get(language) for key, name in room.departments.items()
    }
    names = {m.id: m.name for m in room.state.board.members.values()}
    context |= catalogue_context(room.state, room.agenda, actor, departments, names, language)
    if actor.role in (Role.FACILITATOR, Role.PROJECTOR):
        context["join_url"] = join_url(base_url, row)
        context["qr"] = qr_svg(context["join_url"])
        context |= people_context(room)
    return context


FRAGMENTS: dict[Role, tuple[str, ...]] = {
    Role.FACILITATOR: (
        "fragments/agenda.html",
        "fragments/people.html",
        "fragments/moderation.html",
        "fragments/catalogue.html",
    ),
    Role.PROJECTOR: ("fragments/projector.html",),
    Role.PARTICIPANT: ("fragments/phase.html", "fragments/board.html", "fragments/catalogue.html"),
    Role.LEADER: ("fragments/phase.html", "fragments/board.html", "fragments/catalogue.html"),
}


def live_fragments(app: Services, room: Room, row: Workshop, actor: Actor, language: str) -> str:
    group = view_group(room.state, room.agenda, actor)
    key = (actor.role, group, language)

    def render() -> str:
        context = screen_context(app, room, row, actor, language)
        return "".join(
            app.renderer.render(name, context, language) for name in FRAGMENTS[actor.role]
        )

    return room.rendered(key, render, shows_presence=actor.role is Role.FACILITATOR)


def _shared_reflections(
    app: Services, room: Room, row: Workshop, group: str | None
) -> list[dict[str, str]]:
    """Reflections the group's members chose to share, shown on their group-work board."""
    phase = room.state.current_phase(room.agenda)
    if group is None or not isinstance(phase, GroupWorkPhase):
        return []
    members = room.state.board.groups.get(phase.key, {})
    with session_scope(app.engine) as session:
        shared = reflections.shared_in(session, workshop_id=row.id)
    names = room.state.board.members
    return [
        {"name": names[pid].name if pid in names else "", "text": text}
        for pid, text in shared.items()
        if members.get(pid) == group
    ]


def personal_message(room: Room, actor: Actor) -> dict[str, Any] | None:
    if actor.participant_id is None:
        return None
    return personal(room.state, room.agenda, actor)
