"""The programme's outcome for the staff ("you said, we did"), and the leaders' follow-up.

``GET /w/{id}/outcome``: every decided proposal of the programme's catalogue, with its verdict,
owner, timeline and what became of it since, the asker's own proposals marked. It is personal,
not a shared view: the marks are computed here, for the person the request proves (their
participant, leader or guest cookie of workshop ``{id}`` or of a later workshop of its
programme), and for nobody else. The facilitator sees it too, without marks.

``/w/{id}/initiatives``: the leaders (a leader cookie of any workshop of the programme) and the
facilitator say what became of each decision once the panel is over: started, done or
postponed, with a note (``update_initiative``, journaled in the catalogue's workshop).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Role, Text
from facilitator.core import outcome
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.catalogue import Entry, Verdict
from facilitator.core.errors import Refusal
from facilitator.core.initiatives import NOTE_LIMIT, STATUSES, UpdateInitiative
from facilitator.exports import period_label
from facilitator.i18n import N_
from facilitator.live.room import Room
from facilitator.store import outcome as reading
from facilitator.store import workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, Workshop
from facilitator.web import home_session
from facilitator.web.auth import actor_for, is_id, participant_token
from facilitator.web.errors import NotAllowed, NotFound, refused
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services

VERDICTS = {
    Verdict.START_NOW: N_("Start now"),
    Verdict.CITY_COUNCIL: N_("Send to the city council"),
    Verdict.AWAIT: N_("Await"),
}
STATUS_LABELS = {"started": N_("Started"), "done": N_("Done"), "postponed": N_("Postponed")}


def _workshop_id(request: Request) -> str:
    found: str = request.path_params["workshop_id"]
    if not is_id(found):
        raise NotFound(N_("Workshop not found."))
    return found


def _read(
    app: Services, request: Request, *, leaders: bool
) -> tuple[Workshop, Workshop | None, Participant | None, bool, set[str], dict[str, Any]]:
    """The workshop asked about, the catalogue's, the person asking, whether the facilitator
    asks, that person's rows, and the programme's departments and workshop titles."""
    workshop_id = _workshop_id(request)
    with session_scope(app.engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        if row is None:
            raise NotFound(N_("Workshop not found."))

        def token_for(wid: str) -> str | None:
            return participant_token(request, wid)

        person = reading.viewer(
            session,
            workshop=row,
            token_for=token_for,
            later=not leaders,
            role=Role.LEADER.value if leaders else None,
        )
        facilitator = person is None and _facilitator(app, request, session, row)
        if person is None and not facilitator:
            raise NotAllowed(N_("Open this page on the device you joined the workshop with."))
        held = reading.catalogue_workshop(session, workshop=row)
        rows = reading.same_person(session, participant=person) if person else set()
        extra = {
            "departments": workshops.departments_of(session, workshop=row),
            "titles": workshops.titles_of(session, workshop=row),
        }
        return row, held, person, facilitator, rows, extra


def _facilitator(app: Services, request: Request, session: Session, row: Workshop) -> bool:
    actor = actor_for(request, session, row)
    if actor is not None and actor.role is Role.FACILITATOR:
        return True
    return home_session.signed_in_within(session, request, app.clock())


def _entry(
    entry: Entry,
    room: Room,
    language: str,
    departments: dict[str, dict[str, str]],
    titles: dict[str, dict[str, str]],
    mine: bool,
) -> dict[str, Any]:
    t = i18n.translations(language).gettext
    owner = entry.owner
    if owner and owner in departments:
        owner = Text.model_validate(departments[owner]).get(language)
    latest = room.state.initiatives.latest(entry.id)
    origin = titles.get(entry.origin)
    return {
        "id": entry.id,
        "anchor": "entry-" + entry.id.replace(":", "-"),
        "text": entry.text,
        "verdict": entry.verdict.value if entry.verdict else "",
        "verdict_label": t(VERDICTS[entry.verdict]) if entry.verdict else "",
        "owner": owner or "",
        "timeline": period_label(entry.timeline, language) if entry.timeline else "",
        "rationale": entry.rationale,
        "origin": Text.model_validate(origin).get(language) if origin else entry.origin,
        "mine": mine,
        "status": None
        if latest is None
        else {
            "key": latest.status,
            "label": t(STATUS_LABELS[latest.status]),
            "note": latest.note,
            "when": i18n.format_datetime(latest.at, language),
        },
    }


def _groups(
    room: Room, language: str, extra: dict[str, Any], mine: set[str], authors: dict[str, str]
) -> tuple[bool, list[dict[str, Any]]]:
    t = i18n.translations(language).gettext
    is_published = outcome.published(room.state.machine, room.agenda)
    shown = {e.id for e in outcome.visible(room.state.catalogue, is_published=is_published)}
    groups = []
    for verdict, entries in room.state.catalogue.by_verdict().items():
        rows = [
            _entry(
                e,
                room,
                language,
                extra["departments"],
                extra["titles"],
                authors.get(e.id) in mine,
            )
            for e in entries
            if e.id in shown
        ]
        if rows:
            groups.append({"key": verdict.value, "label": t(VERDICTS[verdict]), "entries": rows})
    return is_published, groups


async def outcome_page(request: Request) -> Response:
    app = services(request)
    language = language_of(request)
    row, held, person, _facilitator_asks, mine, extra = await asyncio.to_thread(
        _read, app, request, leaders=False
    )
    context: dict[str, Any] = {
        "workshop": row,
        "person": person.name if person else "",
        "held": held is not None,
        "published": False,
        "groups": [],
        "back": f"/w/{row.id}/me" if person and person.workshop_id == row.id else "",
        "mine_count": 0,
    }
    if held is not None:
        room = await app.rooms.get(held.id)
        entries = list(room.state.catalogue.entries)

        def who_wrote() -> dict[str, str]:
            with session_scope(app.engine) as session:
                return reading.authors(session, entries=entries) if mine else {}

        authors = await asyncio.to_thread(who_wrote)
        published, groups = _groups(room, language, extra, mine, authors)
        context |= {
            "published": published,
            "groups": groups,
            "mine_count": sum(1 for g in groups for e in g["entries"] if e["mine"]),
            "catalogue_title": room.agenda.title.get(language),
        }
    response = page(app.renderer, request, "outcome/outcome.html", context)
    response.headers["cache-control"] = "no-store, private"  # personal: never shared
    return response


async def initiatives_page(request: Request) -> Response:
    return await _initiatives(request)


async def _initiatives(
    request: Request, *, error: str = "", at: str = "", status: int = 200
) -> Response:
    app = services(request)
    language = language_of(request)
    row, held, person, _facilitator_asks, _mine, extra = await asyncio.to_thread(
        _read, app, request, leaders=True
    )
    context: dict[str, Any] = {
        "workshop": row,
        "held": held is not None,
        "published": False,
        "groups": [],
        "error": error,
        "error_at": at,
        "statuses": [(s, i18n.gettext(language, STATUS_LABELS[s])) for s in STATUSES],
        "note_limit": NOTE_LIMIT,
        "client_id": uuid.uuid4().hex,
        "person": person.name if person else "",
    }
    if held is not None:
        room = await app.rooms.get(held.id)
        published, groups = _groups(room, language, extra, set(), {})
        context |= {"published": published, "groups": groups}
    return page(app.renderer, request, "outcome/initiatives.html", context, status_code=status)


async def update(request: Request) -> Response:
    app = services(request)
    row, held, person, _facilitator_asks, _mine, _extra = await asyncio.to_thread(
        _read, app, request, leaders=True
    )
    if held is None:
        raise NotFound()
    form = await request.form()
    entry = str(form.get("entry", ""))
    command = UpdateInitiative(
        entry=entry, status=str(form.get("status", "")), note=str(form.get("note", ""))
    )
    actor = FACILITATOR if person is None else Actor(Role.LEADER, person.id)
    room = await app.rooms.get(held.id)
    client_id = str(form.get("client_id", "")) or None
    outcome_ = await room.submit(
        command, actor, client_id if client_id and len(client_id) <= 64 else None
    )
    anchor = "entry-" + entry.replace(":", "-")
    if isinstance(outcome_, Refusal):
        error = refused(outcome_)
        message = error.render(lambda m: i18n.gettext(language_of(request), m))
        return await _initiatives(request, error=message, at=anchor, status=error.status)
    return RedirectResponse(f"/w/{row.id}/initiatives#{anchor}", status_code=303)


routes = [
    Route("/w/{workshop_id}/outcome", outcome_page),
    Route("/w/{workshop_id}/initiatives", initiatives_page, methods=["GET"]),
    Route("/w/{workshop_id}/initiatives", update, methods=["POST"]),
]
