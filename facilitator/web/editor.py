"""The agenda editor: ``/w/{id}/agenda`` (the facilitator's, or a browser signed in to the home).

One form holds the whole agenda; every button posts it (``op``): the server reads the draft,
makes the change, checks the result with the checks of ``facilitator agendas check`` in its
programme and renders the editor again, with each problem beside its phase. Without JavaScript
that is the whole editor; ``static/editor.js`` posts the same form in the background, moves
cards at once (drag, or the up and down buttons) and swaps the answer in, keeping focus.

Saving submits ``revise_agenda`` to the workshop's room, with the agenda version the form was
made from: the core refuses a phase that has run and a stale version (then the editor shows
what the other facilitator saved, and keeps this draft to save again over it).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Agenda, Problem, Role
from facilitator.agenda.files import InProgramme, agenda_yaml, check_agenda_text, to_yaml
from facilitator.core import revision
from facilitator.core.actors import FACILITATOR
from facilitator.core.errors import Refusal
from facilitator.core.machine import Status
from facilitator.i18n import N_
from facilitator.live.room import Room
from facilitator.store import programmes
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import editor_form
from facilitator.web.editor_form import KINDS, Draft
from facilitator.web.home import parse_start
from facilitator.web.pages import who
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services
from facilitator.web.views import editor as views
from facilitator.web.views.home import local_parts
from facilitator.web.views.schedule import schedule

NOT_SAVED = N_("Not saved: the checks found problems. Fix them and save again.")
NOT_DOWNLOADED = N_("Fix the problems first: a downloaded file must pass the checks.")
UPLOAD_REFUSED = N_("The file was not loaded, and nothing was saved: the checks found problems.")
NO_FILE = N_("Choose an agenda file (.yaml) to upload.")
SAVED = N_("Saved: version {version}.")
UNCHANGED = N_("Nothing to save: the agenda is as saved.")
BAD_START = N_(
    "The start is not a date and a time: give a date such as 2026-11-23 and a time such as 09:00."
)


def _file_name(row: Workshop) -> str:
    return f"{row.key}.yaml"


def _context_for(
    engine: Engine, row: Workshop
) -> tuple[InProgramme | None, dict[str, Any] | None, list[str]]:
    """The programme around a workshop, for the checks; its pulse; the earlier workshops."""
    with session_scope(engine) as session:
        view = programmes.programme(session, programme_id=row.programme_id or "")
    if view is None:
        return None, None, []
    rows = view.workshops
    here = next(i for i, w in enumerate(rows) if w.id == row.id)
    context = InProgramme(
        view.row.spec,
        [{"key": w.key, "audience": w.agenda.get("audience"), "agenda": w.agenda} for w in rows],
        here,
    )
    return context, view.row.spec.get("pulse"), [w.key for w in rows[:here]]


async def _surroundings(
    app: Services, row: Workshop
) -> tuple[InProgramme | None, dict[str, Any] | None, list[str]]:
    return await asyncio.to_thread(_context_for, app.engine, row)


def _base(draft: Draft, row: Workshop, room: Room) -> datetime | None:
    """What the clock times count from: the start in the form (the saved one while the form's
    is no date and time), else when the workshop actually began."""
    try:
        chosen = parse_start(draft.date, draft.time)
    except ValueError:
        chosen = row.starts_at
    if chosen is not None:
        return chosen
    started = [c.started_at for c in room.state.machine.clocks if c.started_at]
    return min(started) if started else None


def _draft(room: Room, row: Workshop) -> Draft:
    machine = room.state.machine
    date, time = local_parts(row.starts_at)
    locked = len(room.agenda.phases) if machine.status is Status.ENDED else revision.locked(machine)
    return editor_form.from_agenda(
        room.agenda, locked=locked, version=machine.revision, date=date, time=time
    )


async def _render(
    request: Request,
    row: Workshop,
    room: Room,
    draft: Draft,
    *,
    focus: str | None = None,
    notice: str = "",
    error: str = "",
    refusal: Refusal | None = None,
    conflict: dict[str, Any] | None = None,
    upload: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    app = services(request)
    language = language_of(request)
    t = i18n.translations(language).gettext
    context_in, pulse, earlier = await _surroundings(app, row)
    agenda, problems = check_agenda_text(to_yaml(draft.data()), _file_name(row), context=context_in)
    checked = views.place(draft, agenda, problems, _file_name(row))
    base = _base(draft, row, room)
    machine = room.state.machine
    ended = machine.status is Status.ENDED
    boards = sorted(
        {str(p["board"]) for p in draft.data()["phases"] if isinstance(p.get("board"), str)}
    )
    refused_at = None
    if refusal is not None and refusal.code == "phase_ran":
        refused_at = refusal.params.get("number")
    measurements = [m["key"] for m in (pulse or {}).get("measurements", [])]
    # The card a button worked on shows its settings (what gets the focus is in them).
    opened = frozenset({focus.split("-", 1)[0]}) if focus else frozenset()
    context = {
        "workshop": row,
        "draft": draft,
        "title": draft.head.get("title") or {},
        "cards": views.cards_context(draft, checked, base, language, opened),
        "locked": views.locked_context(draft, checked, base, language),
        "general": [str(p) for p in checked.general],
        "problems": [str(p) for p in checked.problems],
        "count": len(checked.problems),
        "total": views.total_context(draft, language),
        "base": base is not None,
        "kinds": [(kind, t(label)) for kind, (label, _) in KINDS.items()],
        "boards": boards,
        "workshops": [*earlier, "all"],
        "measurements": measurements,
        "status": machine.status.value,
        "ended": ended,
        "lobby": machine.status is Status.LOBBY,
        "schedule": None
        if machine.status is Status.LOBBY or ended
        else schedule(
            room.agenda, machine, starts_at=row.starts_at, now=app.clock(), language=language
        ),
        "focus": focus,
        "notice": notice,
        "error": error or (refusal.render(t) if refusal else ""),
        "refused_at": refused_at,
        "conflict": conflict,
        "upload": [str(p) for p in upload or []],
        "file_name": _file_name(row),
    }
    response = page(app.renderer, request, "editor/editor.html", context, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


async def editor(request: Request) -> Response:
    row, _actor, room = await who(request, Role.FACILITATOR)
    notice = ""
    if (saved := request.query_params.get("saved")) and saved.isdigit():
        notice = _say(request, SAVED, version=int(saved))
    elif request.query_params.get("saved") == "start":
        notice = _say(request, N_("Saved."))
    return await _render(request, row, room, _draft(room, row), notice=notice)


def _say(request: Request, msgid: str, **params: Any) -> str:
    return i18n.gettext(language_of(request), msgid).format(**params)


async def post(request: Request) -> Response:
    row, _actor, room = await who(request, Role.FACILITATOR)
    app = services(request)
    form = await request.form()
    op = str(form.get("op", "check"))
    if op == "reload" or room.state.machine.status is Status.ENDED:
        return RedirectResponse(f"/w/{row.id}/agenda", status_code=303)
    context_in, pulse, _earlier = await _surroundings(app, row)
    draft = editor_form.from_form(form, room.agenda, pulse=pulse)
    if op == "upload":
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _render(
                request, row, room, draft, error=_say(request, NO_FILE), status=422
            )
        content = await upload.read()
        agenda, problems = check_agenda_text(content, upload.filename, context=context_in)
        if agenda is None:
            return await _render(
                request,
                row,
                room,
                draft,
                error=_say(request, UPLOAD_REFUSED),
                upload=problems,
                status=422,
            )
        loaded = editor_form.from_agenda(
            agenda,
            locked=len(draft.locked),
            version=draft.version,
            date=draft.date,
            time=draft.time,
        )
        return await _save(request, row, room, loaded, agenda, start_changed=False)
    if op in ("save", "download"):
        agenda, _problems = check_agenda_text(
            to_yaml(draft.data()), _file_name(row), context=context_in
        )
        if agenda is None:
            msgid = NOT_SAVED if op == "save" else NOT_DOWNLOADED
            return await _render(request, row, room, draft, error=_say(request, msgid), status=422)
        if op == "download":
            return _download(row, agenda)
        try:
            starts = parse_start(draft.date, draft.time)
        except ValueError:
            return await _render(
                request, row, room, draft, error=_say(request, BAD_START), status=422
            )
        changed = starts != row.starts_at
        if changed:
            await asyncio.to_thread(_schedule, app, row.id, starts)
        return await _save(request, row, room, draft, agenda, start_changed=changed)
    draft, focus = editor_form.apply(draft, op, form, pulse)
    return await _render(request, row, room, draft, focus=focus)


def _schedule(app: Services, workshop_id: str, starts: datetime | None) -> None:
    with session_scope(app.engine) as session:
        programmes.schedule(session, workshop_id=workshop_id, starts_at=starts)


async def _save(
    request: Request,
    row: Workshop,
    room: Room,
    draft: Draft,
    agenda: Agenda,
    *,
    start_changed: bool,
) -> Response:
    command = revision.ReviseAgenda(agenda=agenda, version=max(0, draft.version))
    outcome = await room.submit(command, FACILITATOR, draft.client_id)
    if not isinstance(outcome, Refusal):
        version = room.state.machine.revision
        return RedirectResponse(f"/w/{row.id}/agenda?saved={version}", status_code=303)
    if outcome.code == "unchanged":
        if start_changed:
            return RedirectResponse(f"/w/{row.id}/agenda?saved=start", status_code=303)
        return await _render(request, row, room, draft, notice=_say(request, UNCHANGED))
    if outcome.code == "stale_agenda":
        # Told, and shown theirs; this draft stays, now over their version, to save again.
        version = room.state.machine.revision
        conflict = views.conflict_context(room.agenda, draft, version, language_of(request))
        fresh = Draft(draft.head, draft.locked, draft.cards, version, draft.date, draft.time)
        return await _render(
            request, row, room, fresh, refusal=outcome, conflict=conflict, status=409
        )
    status = 409 if outcome.kind.value == "conflict" else 422
    return await _render(request, row, room, draft, refusal=outcome, status=status)


def _download(row: Workshop, agenda: Agenda) -> Response:
    heading = (
        f"{agenda.title.en} ({agenda.key}), written by the facilitator's agenda editor.\n"
        f"Check it with: facilitator agendas check {_file_name(row)}"
    )
    body = agenda_yaml(agenda, heading)
    disposition = f'attachment; filename="{_file_name(row)}"'
    return Response(
        body,
        media_type="application/yaml; charset=utf-8",
        headers={"content-disposition": disposition, "cache-control": "no-store"},
    )


async def saved_file(request: Request) -> Response:
    """The agenda as saved, as a file."""
    row, _actor, room = await who(request, Role.FACILITATOR)
    return _download(row, room.agenda)


routes = [
    Route("/w/{workshop_id}/agenda", editor, methods=["GET"]),
    Route("/w/{workshop_id}/agenda", post, methods=["POST"]),
    Route("/w/{workshop_id}/agenda.yaml", saved_file),
]
