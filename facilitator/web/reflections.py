"""The home reflection page, saved as the person types; and a new phone for a lost one.

The link ``/r/{token}`` opens only together with its person's identity on the device: the
participant token of the reflection's writer (in its workshop), or of their later row that
is linked to it (store.reflections.holders). Anyone else is refused, never shown the text.

The link stays valid after the workshop ends, until the next workshop of the same people
starts; after that the text is read on the person's day-2 page instead.

A person who lost their phone gets a one-time recovery link from the facilitator's people
list (``POST /w/{id}/recovery/{participant}``). Opening it on the new phone and confirming
(``POST /recover/{token}``) gives that phone the person's identity, with new tokens, so the
old phone's stop working, and lands on their reflection.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import HomeReflectionPhase, Role, Text
from facilitator.core.board_state import ANONYMOUS
from facilitator.core.text import storable
from facilitator.i18n import N_
from facilitator.store import privacy, reflections
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, Reflection, Workshop
from facilitator.store.workshops import agenda_of, get_workshop
from facilitator.web.auth import participant_token, remember
from facilitator.web.errors import EdgeError, Gone, Malformed, NotAllowed, NotFound, TooLarge
from facilitator.web.pages import PEOPLE, who
from facilitator.web.privacy import of_programme
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services
from facilitator.web.socket import CLOSE_FORBIDDEN, ClientSocket
from facilitator.web.views.screens import qr_svg

LEGACY_COOKIE = "reflection-{programme}"  # once set here and read on joining; no longer
NOT_YOURS = N_(
    "This home reflection opens only on the phone of the person who wrote it. "
    "Lost your phone? Ask the facilitator for a new link."
)
PRIVATE = {"cache-control": "no-store"}  # a private text or a secret link: keep no copy


def _prompt(row: Workshop) -> dict[str, Any]:
    phase = next((p for p in agenda_of(row).phases if isinstance(p, HomeReflectionPhase)), None)
    if phase is None:
        raise NotFound()
    return phase.prompt.model_dump()


async def open_reflection(request: Request) -> Response:
    """From the workshop page to the person's own reflection link (made on first use)."""
    row, actor, _room = await who(request, *PEOPLE)
    app = services(request)
    prompt = _prompt(row)

    def find() -> Reflection:
        with session_scope(app.engine) as session:
            person = session.get(Participant, actor.participant_id)
            if person is None:
                raise NotAllowed()
            return reflections.reflection_for(
                session, participant=person, workshop=row, prompt=prompt, now=app.clock()
            )

    reflection = await asyncio.to_thread(find)
    # The link alone opens nothing: the page asks for this phone's participant cookie.
    response = RedirectResponse(f"/r/{reflection.token}", status_code=303)
    legacy = LEGACY_COOKIE.format(programme=row.programme_id)
    if legacy in request.cookies:
        response.delete_cookie(legacy, path="/")
    return response


def _holds(request: Request, people: list[Participant]) -> bool:
    """Whether the request carries the participant token of one of ``people``."""
    for person in people:
        token = participant_token(request, person.workshop_id)
        if token and hmac.compare_digest(token.encode(), person.token.encode()):
            return True
    return False


async def _load(request: Request) -> tuple[Reflection, bool]:
    """The reflection of the link, if this request is its person's; and whether it is open."""
    app = services(request)
    token = request.path_params["token"]

    def load() -> tuple[Reflection | None, bool, bool]:
        with session_scope(app.engine) as session:
            found = reflections.by_token(session, token=token)
            if found is None:
                return None, False, False
            mine = _holds(request, reflections.holders(session, reflection=found))
            return found, mine, mine and reflections.is_open(session, reflection=found)

    found, mine, writable = await asyncio.to_thread(load)
    if found is None:
        raise NotFound(N_("This reflection link is not valid."))
    if not mine:
        raise NotAllowed(NOT_YOURS)
    return found, writable


async def reflection_page(request: Request) -> Response:
    reflection, writable = await _load(request)
    language = language_of(request)
    app = services(request)

    def title() -> str:
        with session_scope(app.engine) as session:
            row = get_workshop(session, workshop_id=reflection.workshop_id)
            return "" if row is None else agenda_of(row).title.get(language)

    context = {
        "workshop_title": await asyncio.to_thread(title),
        "reflection": reflection,
        "prompt": Text.model_validate(reflection.prompt).get(language),
        "writable": writable,
        "limit": reflections.MAX_TEXT,
        "updated": i18n.format_datetime(reflection.updated_at, language),
    }
    response = page(app.renderer, request, "participant/reflection.html", context)
    response.headers.update(PRIVATE)
    return response


async def save_reflection(request: Request) -> Response:
    app = services(request)
    language = language_of(request)
    wants_json = request.headers.get("content-type", "").startswith("application/json")

    def refuse(error: EdgeError) -> Response:
        message = error.render(lambda msgid: i18n.gettext(language, msgid))
        status = error.status
        if wants_json:
            return JSONResponse({"ok": False, "error": message}, status_code=status)
        return page(app.renderer, request, "error.html", {"message": message}, status_code=status)

    try:
        reflection, writable = await _load(request)  # another person's: 403, before all else
    except EdgeError as exc:
        return refuse(exc)
    if not writable:
        return refuse(
            Gone(N_("The next workshop has started; this reflection can no longer change."))
        )
    body = await request.body()  # web/body_limit.py has cut it at the limit already
    if len(body) > app.settings.limits.reflection_bytes:
        return refuse(TooLarge())
    try:
        if wants_json:
            fields = json.loads(body)
            text, share = fields["text"], fields.get("share", False)
        else:
            form = await request.form()
            text, share = form["text"], form.get("share") == "on"
        if not isinstance(text, str) or not isinstance(share, bool):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return refuse(Malformed())
    if len(text) > reflections.MAX_TEXT:
        return refuse(Malformed(N_("A reflection can be at most 5000 characters.")))
    if not storable(text):
        # The same rule and message as for every other text (docs/api.md §2).
        return refuse(Malformed(N_("The text contains characters that cannot be stored.")))

    def write() -> Reflection:
        with session_scope(app.engine) as session:
            found = reflections.by_token(session, token=reflection.token)
            assert found is not None
            return reflections.save(
                session, reflection=found, text=text, share=share, now=app.clock()
            )

    saved = await asyncio.to_thread(write)
    if wants_json:
        return JSONResponse({"ok": True, "updated_at": saved.updated_at.isoformat()})
    return RedirectResponse(f"/r/{reflection.token}", status_code=303)


# --- a new phone for a person who lost theirs -------------------------------------------------


async def issue_recovery(request: Request) -> Response:
    """The facilitator makes a one-time link that moves a person's identity to a new phone."""
    row, _actor, _room = await who(request, Role.FACILITATOR)
    app = services(request)
    participant_id = request.path_params["participant_id"]
    now = app.clock()

    def issue() -> tuple[Participant, str] | None:
        with session_scope(app.engine) as session:
            person = session.get(Participant, participant_id)
            if person is None or not of_programme(person, row) or person.name == ANONYMOUS:
                return None
            return person, privacy.issue_recovery(session, participant=person, now=now)

    issued = await asyncio.to_thread(issue)
    if issued is None:
        raise NotFound()
    person, secret = issued
    link = f"{app.settings.base_url()}/recover/{secret}"
    expires = now + privacy.RECOVERY_LIFETIME
    response: Response
    if request.headers.get("content-type", "").startswith("application/json"):
        answer = {"ok": True, "link": link, "expires_at": expires.isoformat()}
        response = JSONResponse(answer)
    else:
        language = language_of(request)
        context = {
            "workshop": row,
            "name": person.name,
            "link": link,
            # Not through qr_svg's cache: a secret has no business staying in memory.
            "qr": qr_svg.__wrapped__(link),
            "expires": i18n.format_datetime(expires, language),
        }
        response = page(app.renderer, request, "facilitator/recovery.html", context)
    response.headers.update(PRIVATE)
    return response


async def _recovery_person(app: Services, secret: str) -> Participant:
    """The person a recovery link is for, if it still works (404 unknown, 410 spent)."""

    def find() -> tuple[Participant | None, bool]:
        with session_scope(app.engine) as session:
            link = privacy.recovery_link(session, token=secret)
            if link is None:
                return None, False
            usable = privacy.usable(link, now=app.clock())
            return session.get(Participant, link.participant_id), usable

    person, usable = await asyncio.to_thread(find)
    if person is None:
        raise NotFound(N_("This link is not valid."))
    if not usable:
        raise Gone(N_("This link has been used or has expired. Ask the facilitator for a new one."))
    return person


async def recovery_page(request: Request) -> Response:
    """What the new phone sees first: whose place it takes, and a button to take it.

    Opening the link changes nothing (a link preview must not spend it); the button does.
    """
    app = services(request)
    person = await _recovery_person(app, request.path_params["token"])
    context = {"secret": request.path_params["token"], "name": person.name}
    response = page(app.renderer, request, "participant/recover.html", context)
    response.headers.update(PRIVATE)
    return response


async def recover(request: Request) -> Response:
    """Spend the link: this phone becomes the person (new tokens for all their rows), their
    old phone's tokens and sockets stop working, and the phone lands on their reflection."""
    app = services(request)
    secret = request.path_params["token"]
    await _recovery_person(app, secret)  # 404 or 410 with the reason

    def redeem() -> tuple[list[Participant], str | None]:
        with session_scope(app.engine) as session:
            people = privacy.redeem_recovery(session, token=secret, now=app.clock())
            if people is None:
                return [], None
            found = reflections.of_people(session, people=people)
            return people, found.token if found else None

    people, reflection = await asyncio.to_thread(redeem)
    if not people:  # another phone spent it a moment ago
        raise Gone(N_("This link has been used or has expired. Ask the facilitator for a new one."))
    for person in people:
        await _close_sockets(app, person)
    latest = await _latest(app, people)
    target = f"/r/{reflection}" if reflection else f"/w/{latest.workshop_id}/me"
    response = RedirectResponse(target, status_code=303)
    for person in people:
        remember(response, Role.PARTICIPANT, person.workshop_id, person.token)
    return response


async def _latest(app: Services, people: list[Participant]) -> Participant:
    """The person's row in the programme's latest workshop they joined."""

    def positions() -> dict[str, int]:
        with session_scope(app.engine) as session:
            rows = {p.workshop_id: get_workshop(session, workshop_id=p.workshop_id) for p in people}
            return {w: row.position for w, row in rows.items() if row is not None}

    known = await asyncio.to_thread(positions)
    return max(people, key=lambda p: known.get(p.workshop_id, -1))


async def _close_sockets(app: Services, person: Participant) -> None:
    """The old phone's open sockets in this process go, as its tokens did (4403)."""
    room = await app.rooms.get(person.workshop_id)
    for listener in tuple(room.listeners):
        if isinstance(listener, ClientSocket) and listener.person == person.id:
            listener.close_code = CLOSE_FORBIDDEN
            listener.stop()


routes = [
    Route("/w/{workshop_id}/reflection", open_reflection),
    Route("/r/{token}", reflection_page, methods=["GET"]),
    Route("/r/{token}", save_reflection, methods=["POST"]),
    Route("/w/{workshop_id}/recovery/{participant_id}", issue_recovery, methods=["POST"]),
    Route("/recover/{token}", recovery_page, methods=["GET"]),
    Route("/recover/{token}", recover, methods=["POST"]),
]
