"""The live parts of each screen, rendered once per distinct view (cached in the room).

A websocket of the htmx pages receives these fragments after every change; each has an id,
and the page swaps each into the element with the same id. Views are built from a
``Scene``: what the room holds at one moment, read on the event loop without I/O.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from markupsafe import escape

from facilitator import i18n
from facilitator.agenda import Agenda, GroupWorkPhase, Role, Text
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.workshop import WorkshopState
from facilitator.live.room import Room
from facilitator.rendering import Fingerprint, Renderer
from facilitator.store.tables import Workshop
from facilitator.web.views import phone
from facilitator.web.views.agenda import console_context
from facilitator.web.views.board import (
    WholeBoard,
    board_context,
    group_board,
    view_group,
    whole_board,
)
from facilitator.web.views.catalogue import catalogue_context
from facilitator.web.views.console import console_view
from facilitator.web.views.schedule import schedule
from facilitator.web.views.wall import wall_context


@dataclass(frozen=True)
class Scene:
    """What the screens show: the workshop's state and what its room knows besides."""

    state: WorkshopState
    agenda: Agenda
    online: Collection[str]  # participant ids with a socket open in this process
    departments: Mapping[str, Mapping[str, str]]  # key → {"da": …, "en": …}
    shared_reflections: Mapping[str, str]  # participant id → the text they share
    # The programme's workshops in order: key → title {da, en}.
    workshop_titles: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, room: Room) -> Scene:
        return cls(
            room.state,
            room.agenda,
            room.online,
            room.departments,
            room.shared_reflections,
            room.workshop_titles,
        )


def join_url(base_url: str, row: Workshop) -> str:
    return f"{base_url}/join/{row.join_code}"


@functools.lru_cache(maxsize=64)
def qr_svg(url: str, scalable: bool = False) -> str:
    """An inline SVG QR code, made here (nothing is fetched from elsewhere), once per URL;
    ``scalable``: a viewBox and no fixed size, so CSS sizes it (the wall's fills the lobby)."""
    code = segno.make(url, error="m")
    svg: str = code.svg_inline(scale=8, border=2, dark="#1b1f24", omitsize=scalable)
    return svg


def screen_context(
    scene: Scene,
    row: Workshop,
    actor: Actor,
    language: str,
    *,
    base_url: str,
    now: datetime,
    common: RoleContext | None = None,
) -> dict[str, Any]:
    """Everything a page or fragment of this role needs (no personal data). ``common`` is
    ``role_context`` for this scene, role and language, if the caller has it already."""
    shared, own = screen_layers(
        scene, row, actor, language, base_url=base_url, now=now, common=common
    )
    return shared | own


def screen_layers(
    scene: Scene,
    row: Workshop,
    actor: Actor,
    language: str,
    *,
    base_url: str,
    now: datetime,
    common: RoleContext | None = None,
    planned: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``screen_context`` as ``(shared, own)``, the context being ``shared | own``:
    ``shared`` is ``common.shared``, the same object for every group of the role, and
    ``own`` holds what this view alone shows (its group's board, its group's reflections;
    the console's and the wall's parts). Twenty groups then differ by their ``own`` only.
    ``planned``: ``schedule`` for this scene and language, if the caller has it already (the
    console and the wall show the same one)."""
    group = view_group(scene.state, scene.agenda, actor)
    common = common or role_context(scene, row, actor, language, base_url=base_url, now=now)
    shared = common.shared
    own: dict[str, Any] = {} if group is None else group_board(common.board, group)
    own["shared_reflections"] = _shared_reflections(scene, actor, group)
    for key in own.keys() & common.after.keys():
        del own[key]  # the role's parts after the board win, as they always did
    if actor.role in phone.PHONE_ROLES and shared["private_board"]:
        own["ideas"] = []  # each sees only their own commitments (``mine``)
    if actor.role in (Role.FACILITATOR, Role.PROJECTOR):
        own["join_url"] = join_url(base_url, row)
        own["qr"] = qr_svg(own["join_url"])
        # Planned clock times and how late the day runs (views/schedule.py gives its shape).
        own["schedule"] = (
            planned
            if planned is not None
            else schedule(
                scene.agenda,
                scene.state.machine,
                starts_at=row.starts_at,
                now=now,
                language=language,
            )
        )
    if actor.role is Role.FACILITATOR:
        own |= console_view(scene, row, shared | own, language, base_url)
    if actor.role is Role.PROJECTOR:
        own["qr"] = qr_svg(own["join_url"], scalable=True)
        own |= wall_context(
            scene.state,
            scene.agenda,
            language,
            now,
            departments_of(scene, language),
            board=board_context(scene.state, scene.agenda, actor, None, common.board),
        )
    return shared, own


@dataclasses.dataclass(frozen=True)
class RoleContext:
    """What a screen of one role shows whatever its group: the parts merged before the
    group's board and after it (so a key in both reads as it always did), the board with
    every group on it, and all of it merged (``shared``), for every group's view."""

    before: dict[str, Any]
    after: dict[str, Any]
    board: WholeBoard
    shared: dict[str, Any]


def role_context(
    scene: Scene, row: Workshop, actor: Actor, language: str, *, base_url: str, now: datetime
) -> RoleContext:
    """The part of ``screen_context`` that no group changes: with twenty groups on one
    board, computed once per change instead of once per group."""
    before = console_context(scene.agenda, scene.state, row, now, language, base_url)
    names = {m.id: m.name for m in scene.state.board.members.values()}
    titles = {key: Text.model_validate(t).get(language) for key, t in scene.workshop_titles.items()}
    after = catalogue_context(
        scene.state,
        scene.agenda,
        actor,
        departments_of(scene, language),
        names,
        language,
        titles=titles,
    )
    if actor.role in phone.PHONE_ROLES:
        after |= phone.phone_context(
            scene.state,
            scene.agenda,
            actor.role,
            language,
            titles=scene.workshop_titles,
            workshop_key=row.key,
        )
    board = whole_board(scene.state, scene.agenda, actor)
    shared = before | board.context | {"role": actor.role.value} | after
    if actor.role in phone.PHONE_ROLES and shared["private_board"]:
        shared["earlier_ideas"] = []  # each sees only their own commitments (``mine``)
    return RoleContext(before, after, board, shared)


def departments_of(scene: Scene, language: str) -> dict[str, str]:
    return {key: Text.model_validate(name).get(language) for key, name in scene.departments.items()}


PHONE_FRAGMENTS = (
    "fragments/phase.html",
    "fragments/plenum.html",
    "fragments/board.html",
    "fragments/catalogue.html",
)
FRAGMENTS: dict[Role, tuple[str, ...]] = {
    Role.FACILITATOR: (
        "fragments/agenda.html",
        "fragments/console_tabs.html",
        "fragments/console_stage.html",
        "fragments/moderation.html",
        "fragments/catalogue.html",
        "fragments/people.html",
        "fragments/console_preview.html",
    ),
    Role.PROJECTOR: ("fragments/projector.html",),
    Role.PARTICIPANT: PHONE_FRAGMENTS,
    Role.LEADER: PHONE_FRAGMENTS,
    Role.GUEST: PHONE_FRAGMENTS,
}


# Fragments that change seldom beside the rest, kept between changes while their fingerprint
# (rendering.Renderer.fingerprint) holds instead of rendered again for every change: the
# console's people list (it changes when someone comes, goes or moves, not with every idea),
# agenda, stage and preview (both list every group: 0.75 ms each at 200 groups), its tabs
# (they count the people online), and a phone's fragments, rendered per group: an idea in one
# group leaves every other group's board as it was. The people's rows say their repr once
# (``memo.Rows``), so these fingerprints are cheap.
KEPT = frozenset(
    {
        "fragments/people.html",
        "fragments/agenda.html",
        "fragments/console_stage.html",
        "fragments/console_preview.html",
        "fragments/console_tabs.html",
        *PHONE_FRAGMENTS,
    }
)


# The id of each fragment's element: what a fragment that failed is put in place of.
FRAGMENT_IDS = {
    "fragments/agenda.html": "live",
    "fragments/people.html": "people",
    "fragments/moderation.html": "moderation",
    "fragments/console_tabs.html": "console-tabs",
    "fragments/console_stage.html": "stage",
    "fragments/console_preview.html": "preview-form",
    "fragments/catalogue.html": "catalogue",
    "fragments/projector.html": "projector",
    "fragments/phase.html": "phase",
    "fragments/board.html": "board",
    "fragments/plenum.html": "plenum",
}
log = logging.getLogger("facilitator")
_LOGGED_FAULTS: set[tuple[str, str, str]] = set()  # logged once each, per process


def live_fragments(
    renderer: Renderer,
    room: Room,
    row: Workshop,
    actor: Actor,
    language: str,
    *,
    base_url: str,
    now: datetime,
) -> tuple[str, ...]:
    """The role's fragments as the room stands now, rendered once per distinct view: one
    part per name of ``FRAGMENTS[role]``, in that order (a socket sends only the parts whose
    bytes changed since it last sent them).

    Each fragment is rendered on its own: one that fails is logged (once) and replaced by
    a short note with the same id, so the rest of the page, and the socket, keep working."""
    group = view_group(room.state, room.agenda, actor)
    key = (actor.role, group, language)
    presence = actor.role is Role.FACILITATOR

    def kept(
        name: str,
        shared: dict[str, Any],
        own: dict[str, Any],
        reprs: dict[int, tuple[object, str]],
        shared_parts: dict[Hashable, tuple[object, Fingerprint | None]],
    ) -> str:
        """The fragment as last rendered while what it shows is unchanged, else anew."""
        leave_out = counted_by_page(own if "deadline" in own else shared)
        fingerprint = renderer.layered_fingerprint(
            name, shared, own, language, reprs, shared_parts, leave_out
        )
        if fingerprint is None:
            return renderer.render(name, shared | own, language)
        return room.remembered(
            (name, actor.role, group, language),
            fingerprint,
            lambda: renderer.render(name, shared | own, language),
        )

    def render() -> tuple[str, ...]:
        names = FRAGMENTS[actor.role]
        # Shared by every group's render of this room state: the values' reprs for
        # fingerprints (the group-free values are the same objects in each group's context),
        # and the shared layer's part of each fingerprint, computed once for all groups.
        reprs: dict[int, tuple[object, str]] = room.rendered(
            ("reprs", actor.role, language), dict, shows_presence=presence
        )
        shared_parts: dict[Hashable, tuple[object, Fingerprint | None]] = room.rendered(
            ("shared fingerprints", actor.role, language), dict, shows_presence=presence
        )
        try:
            scene = Scene.of(room)
            common = room.rendered(
                ("role", actor.role, language),
                lambda: role_context(scene, row, actor, language, base_url=base_url, now=now),
                shows_presence=presence,
            )
            planned = None
            if actor.role in (Role.FACILITATOR, Role.PROJECTOR):  # one schedule for both
                planned = room.rendered(
                    ("schedule", language),
                    lambda: schedule(
                        scene.agenda,
                        scene.state.machine,
                        starts_at=row.starts_at,
                        now=now,
                        language=language,
                    ),
                )
            shared, own = screen_layers(
                scene,
                row,
                actor,
                language,
                base_url=base_url,
                now=now,
                common=common,
                planned=planned,
            )
        except Exception as exc:
            _log_fault(row.id, "the screen's context", exc)
            return tuple(_fault(name, language) for name in names)
        context: dict[str, Any] | None = None  # merged once, if a fragment is rendered whole
        parts = []
        for name in names:
            try:
                if name in KEPT:
                    parts.append(kept(name, shared, own, reprs, shared_parts))
                else:
                    context = context or shared | own
                    parts.append(renderer.render(name, context, language))
            except Exception as exc:
                _log_fault(row.id, name, exc)
                parts.append(_fault(name, language))
        return tuple(parts)

    return room.rendered(key, render, shows_presence=presence)


# A running countdown's figure: the page counts it down to ``deadline`` (static/app.js, just
# after every swap), so a kept fragment whose figure is some seconds old shows the same.
COUNTED_BY_PAGE = frozenset({"time_left", "overrun"})


def counted_by_page(context: Mapping[str, Any]) -> frozenset[str]:
    """What a fragment's fingerprint may leave out in ``context``: the figures of a
    countdown while it runs (paused, its figure is the server's and counts)."""
    return COUNTED_BY_PAGE if context.get("deadline") else frozenset()


def _fault(name: str, language: str) -> str:
    """What stands in for a fragment that could not be rendered."""
    message = i18n.gettext(language, "This part of the screen could not be shown.")
    return (
        f'<section id="{FRAGMENT_IDS.get(name, _stem(name))}" hx-swap-oob="true" class="fault">'
        f'<p role="status">{escape(message)}</p></section>'
    )


def _stem(name: str) -> str:
    """A fragment's id when FRAGMENT_IDS does not name it: its file's name."""
    return name.rsplit("/", 1)[-1].removesuffix(".html")


def _log_fault(workshop_id: str, what: str, exc: Exception) -> None:
    fault = (workshop_id, what, f"{type(exc).__name__}: {exc}")
    if fault in _LOGGED_FAULTS:
        return
    if len(_LOGGED_FAULTS) < 1000:
        _LOGGED_FAULTS.add(fault)
    log.error("could not render %s of workshop %s", what, workshop_id, exc_info=exc)


def _shared_reflections(scene: Scene, actor: Actor, group: str | None) -> list[dict[str, str]]:
    """Reflections the group's members chose to share, shown on their group-work board."""
    phase = scene.state.current_phase(scene.agenda)
    if not isinstance(phase, GroupWorkPhase):
        return []
    groups = scene.state.board.groups.get(phase.key, {})
    shown = visibility.of(actor).shared_reflections(scene.shared_reflections, groups, group)
    names = scene.state.board.members
    return [
        {"name": names[pid].name if pid in names else "", "text": text}
        for pid, text in shown.items()
    ]


def personal_message(
    room: Room, actor: Actor, encode: Callable[[dict[str, Any]], str]
) -> str | None:
    """The person's ``mine`` as the room stands now, as ``encode`` writes it (None for who is
    nobody in particular). Each person's own things are found in one pass per change, shared
    by every socket, and each ``mine`` is kept while what it reads holds
    (``phone.personal_key``): a change costs the people whose things it touched."""
    if actor.participant_id is None:
        return None
    state, agenda = room.state, room.agenda
    owned = room.rendered("owned", lambda: phone.Owned.of(state))
    return room.remembered(
        ("mine", actor),
        phone.personal_key(state, agenda, actor, owned),
        lambda: encode(phone.personal(state, agenda, actor, owned)),
    )
