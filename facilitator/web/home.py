"""The facilitator's home page: every programme and workshop, made and kept in the browser.

``/home`` without a signed-in browser is the sign-in page, never a programme list. A browser
signs in with a one-time link (``facilitator serve`` prints the first, ``facilitator links``
a fresh one): ``GET /home/login/{secret}`` shows a button, ``POST`` spends the link and sets
the home cookie (a preview of the link spends nothing). Every other ``/home`` route needs
the cookie and answers the sign-in page (403) without it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Agenda, Programme, Text
from facilitator.agenda.files import load_agenda, load_programme
from facilitator.i18n import N_
from facilitator.paths import AGENDAS
from facilitator.store import home, programmes, workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import home_session
from facilitator.web.auth import is_id, is_token
from facilitator.web.errors import NotFound
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services
from facilitator.web.views.home import programme_view, workshop_view
from facilitator.web.views.screens import qr_svg

T = TypeVar("T")

# Programme templates: programme files, each with its agenda files beside it.
TEMPLATES: dict[str, Path] = {
    "solrod": AGENDAS / "solrod-programme.yaml",
    "blank": AGENDAS / "blank" / "programme.yaml",
}
BLANK_WORKSHOP = AGENDAS / "blank" / "workshop.yaml"
NAME_LIMIT = 120


@functools.cache
def template(name: str) -> Programme:
    return load_programme(TEMPLATES[name])


@functools.cache
def blank_workshop() -> Agenda:
    return load_agenda(BLANK_WORKSHOP)


async def _in_thread(app: Services, work: Callable[[Session], T]) -> T:
    def run() -> T:
        with session_scope(app.engine) as session:
            return work(session)

    return await asyncio.to_thread(run)


async def is_signed_in(request: Request) -> bool:
    app = services(request)
    return await asyncio.to_thread(home_session.signed_in, app.engine, request, app.clock())


def sign_in_page(request: Request, message: str = "", status: int = 200) -> Response:
    app = services(request)
    context = {"message": message}
    response = page(app.renderer, request, "home/login.html", context, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def refused_page(request: Request) -> Response:
    language = language_of(request)
    message = i18n.gettext(language, "Sign in to see the facilitator's home page.")
    return sign_in_page(request, message, 403)


# --- signing in -------------------------------------------------------------------------


async def login_link(request: Request) -> Response:
    """The one-time link: a button that spends it (GET changes nothing)."""
    app = services(request)
    secret = request.path_params["secret"]
    language = language_of(request)
    if request.method == "POST":
        return await _spend(request, secret)
    state = "unknown"
    if is_token(secret):
        state = await _in_thread(app, lambda s: home.link_state(s, secret=secret, now=app.clock()))
    if state != "valid":
        return sign_in_page(request, i18n.gettext(language, _LINK_GONE), 410)
    response = page(app.renderer, request, "home/signin.html", {"secret": secret})
    response.headers["cache-control"] = "no-store"
    return response


_LINK_GONE = N_(
    "This sign-in link has been used or has expired. Run “facilitator links” on the laptop "
    "for a new one."
)


async def login_form(request: Request) -> Response:
    """A sign-in link pasted into the sign-in page (the whole link, or its last part)."""
    form = await request.form()
    pasted = str(form.get("link", "")).strip().rstrip("/")
    return await _spend(request, pasted.rsplit("/", 1)[-1])


async def _spend(request: Request, secret: str) -> Response:
    app = services(request)
    token = None
    if is_token(secret):
        token = await _in_thread(app, lambda s: home.spend(s, secret=secret, now=app.clock()))
    if token is None:
        return sign_in_page(request, i18n.gettext(language_of(request), _LINK_GONE), 403)
    response = RedirectResponse("/home", status_code=303)
    home_session.remember(response, token)
    return response


async def logout(request: Request) -> Response:
    app = services(request)
    token = home_session.presented(request)
    if token is not None:
        await _in_thread(app, lambda s: home.sign_out(s, token=token))
    response = RedirectResponse("/home", status_code=303)
    home_session.forget(response)
    return response


# --- the page ---------------------------------------------------------------------------


def _overview(session: Session, language: str, base_url: str, now: datetime) -> list[Any]:
    shown = []
    for view in programmes.programmes(session):
        measures = view.row.spec.get("pulse") is not None
        rows = [
            workshop_view(
                row,
                workshops.agenda_of(row),
                workshops.machine_of(session, workshop=row),
                base_url=base_url,
                now=now,
                language=language,
                measures=measures,
            )
            for row in view.workshops
        ]
        # The outcome and the follow-up are the last catalogue workshop's (store.outcome).
        held = [row for row in rows if row["holds_catalogue"]]
        for row in held[:-1]:
            row["holds_catalogue"] = False
        shown.append(programme_view(view, rows, language))
    return shown


async def home_page(
    request: Request, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    if not await is_signed_in(request):
        return sign_in_page(request)
    app = services(request)
    language = language_of(request)
    base_url = app.settings.base_url()
    now = app.clock()
    shown = await _in_thread(app, lambda s: _overview(s, language, base_url, now))
    context = {
        "programmes": [p for p in shown if not p["archived"]],
        "archived": [p for p in shown if p["archived"]],
        "templates": [(name, template(name).title.get(language)) for name in TEMPLATES],
        "errors": errors or {},
        "server_now": now.isoformat(),
    }
    response = page(app.renderer, request, "home/home.html", context, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def _back(request: Request, anchor: str = "") -> Response:
    return RedirectResponse(f"/home{'#' + anchor if anchor else ''}", status_code=303)


def programme_id_of(request: Request) -> str:
    found: str = request.path_params["programme_id"]
    if not is_id(found):
        raise NotFound()
    return found


def workshop_id_of(request: Request) -> str:
    found: str = request.path_params["workshop_id"]
    if not is_id(found):
        raise NotFound()
    return found


# --- what the page does -----------------------------------------------------------------


async def create(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    form = await request.form()
    name = str(form.get("template", ""))
    if name not in TEMPLATES:
        return await home_page(
            request, errors={"create": _message(request, _NO_TEMPLATE)}, status=422
        )
    # One transaction for the whole programme, as the demo makes it.
    links = await asyncio.to_thread(
        programmes.create_programme,
        app.engine,
        template(name),
        clock=app.clock,
        base_url="",
        language=language_of(request),
    )
    programme_id = links[0].programme_id
    return _back(request, f"programme-{programme_id}")


_NO_TEMPLATE = N_("Choose a template for the new programme.")
_BAD_NAME = N_("Give the programme a title in Danish and English, and its organisation.")
_BAD_TIME = N_("Give a date such as 2026-11-23 and a time such as 09:00, or leave both empty.")
_RUNNING = N_("{workshop} is under way: end it before the programme is deleted.")


def _message(request: Request, msgid: str, **params: Any) -> str:
    return i18n.gettext(language_of(request), msgid).format(**params)


async def rename(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    programme_id = programme_id_of(request)
    form = await request.form()
    fields = {k: str(form.get(k, "")).strip() for k in ("title_da", "title_en", "organisation")}
    if not all(0 < len(v) <= NAME_LIMIT for v in fields.values()):
        errors = {programme_id: _message(request, _BAD_NAME)}
        return await home_page(request, errors=errors, status=422)
    title = Text(da=fields["title_da"], en=fields["title_en"])
    done = await _in_thread(
        app,
        lambda s: programmes.rename(
            s, programme_id=programme_id, title=title, organisation=fields["organisation"]
        ),
    )
    if not done:
        raise NotFound()
    return _back(request, f"programme-{programme_id}")


async def archive(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    programme_id = programme_id_of(request)
    form = await request.form()
    archived = form.get("archived") == "yes"
    done = await _in_thread(
        app,
        lambda s: programmes.archive(
            s, programme_id=programme_id, archived=archived, now=app.clock()
        ),
    )
    if not done:
        raise NotFound()
    return _back(request, f"programme-{programme_id}")


async def add_workshop(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    programme_id = programme_id_of(request)
    agenda = blank_workshop()
    made = await _in_thread(
        app,
        lambda s: programmes.add_workshop(
            s, programme_id=programme_id, agenda=agenda, now=app.clock()
        ),
    )
    if made is None:
        raise NotFound()
    return _back(request, f"workshop-{made.id}")


def parse_start(date: str, clock: str) -> datetime | None:
    """A date and a time of day in Copenhagen, as the inputs send them; ValueError if not."""
    date, clock = date.strip(), clock.strip()
    if not date and not clock:
        return None
    day = datetime.strptime(date, "%Y-%m-%d").date()
    hour, minute = (int(part) for part in clock.split(":")[:2]) if clock else (9, 0)
    return datetime.combine(day, time(hour, minute), tzinfo=i18n.TIMEZONE)


async def set_schedule(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    workshop_id = workshop_id_of(request)
    form = await request.form()
    try:
        starts = parse_start(str(form.get("date", "")), str(form.get("time", "")))
    except ValueError:
        return await home_page(
            request, errors={workshop_id: _message(request, _BAD_TIME)}, status=422
        )
    done = await _in_thread(
        app, lambda s: programmes.schedule(s, workshop_id=workshop_id, starts_at=starts)
    )
    if not done:
        raise NotFound()
    return _back(request, f"workshop-{workshop_id}")


async def delete(request: Request) -> Response:
    """GET: what would be deleted, and a button; POST: delete it (refused while one runs)."""
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    programme_id = programme_id_of(request)
    language = language_of(request)
    view = await _in_thread(app, lambda s: programmes.programme(s, programme_id=programme_id))
    if view is None:
        raise NotFound()
    titles = [workshops.agenda_of(w).title.get(language) for w in view.workshops]
    running = [
        t for t, w in zip(titles, view.workshops, strict=True) if w.status in programmes.LIVE
    ]
    context: dict[str, Any] = {
        "programme": {"id": programme_id, "title": view.title.get(language)},
        "workshops": titles,
        "refusal": _message(request, _RUNNING, workshop=running[0]) if running else "",
    }
    if request.method == "GET" or running or (await request.form()).get("confirm") != "yes":
        status = 409 if running and request.method == "POST" else 200
        return page(app.renderer, request, "home/delete.html", context, status_code=status)
    try:
        deleted = await _in_thread(
            app, lambda s: programmes.delete_programme(s, programme_id=programme_id)
        )
    except programmes.StillRunning:  # it started between reading and deleting
        return page(app.renderer, request, "home/delete.html", context, status_code=409)
    for workshop_id in deleted:
        await app.rooms.forget(workshop_id)
    return _back(request)


# --- printable ------------------------------------------------------------------------


async def codes(request: Request) -> Response:
    """The codes for the room, to print: one page per workshop (or the one asked for)."""
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    language = language_of(request)
    base_url = app.settings.base_url()

    def read(session: Session) -> dict[str, Any] | None:
        if "workshop_id" in request.path_params:
            row = workshops.get_workshop(session, workshop_id=workshop_id_of(request))
            if row is None or row.programme_id is None:
                return None
            view = programmes.programme(session, programme_id=row.programme_id)
            chosen = [row]
        else:
            view = programmes.programme(session, programme_id=programme_id_of(request))
            chosen = view.workshops if view else []
        if view is None:
            return None
        return {
            "programme": view.title.get(language),
            "organisation": str(view.row.spec.get("organisation", "")),
            "workshops": [_codes_of(w, base_url, language) for w in chosen],
        }

    context = await _in_thread(app, read)
    if context is None:
        raise NotFound()
    return page(app.renderer, request, "home/codes.html", context)


def _codes_of(row: Workshop, base_url: str, language: str) -> dict[str, Any]:
    """A leaders' workshop shows the leader code big (the room is leaders); a staff one the
    join code, with the leader code on a slip."""
    agenda = workshops.agenda_of(row)
    leaders = agenda.audience == "leaders"
    code = row.leader_code if leaders else row.join_code
    return {
        "title": agenda.title.get(language),
        "when": i18n.format_datetime(row.starts_at, language) if row.starts_at else "",
        "join_url": f"{base_url}/join",
        "code": code,
        "leaders": leaders,
        "leader_code": "" if leaders else row.leader_code,
        "guest_code": row.guest_code or "",
        "qr": qr_svg(f"{base_url}/join/{code}"),
    }


routes = [
    Route("/home", home_page),
    Route("/home/login", login_form, methods=["POST"]),
    Route("/home/login/{secret}", login_link, methods=["GET", "POST"]),
    Route("/home/logout", logout, methods=["POST"]),
    Route("/home/programmes", create, methods=["POST"]),
    Route("/home/programmes/{programme_id}/rename", rename, methods=["POST"]),
    Route("/home/programmes/{programme_id}/archive", archive, methods=["POST"]),
    Route("/home/programmes/{programme_id}/workshops", add_workshop, methods=["POST"]),
    Route("/home/programmes/{programme_id}/delete", delete, methods=["GET", "POST"]),
    Route("/home/programmes/{programme_id}/codes", codes),
    Route("/home/workshops/{workshop_id}/schedule", set_schedule, methods=["POST"]),
    Route("/home/workshops/{workshop_id}/codes", codes),
]
