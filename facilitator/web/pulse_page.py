"""The programme's service pulse on one screen (``/w/{id}/pulse``): every measurement so far
side by side and the change from the baseline, for the facilitator and the wall (the
projector's link opens it too). Read from the store, as the pulse export is: a measurement
of another workshop of the programme is not in this workshop's room."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from facilitator.agenda import Role, Text
from facilitator.store.db import session_scope
from facilitator.store.pulse import ProgrammePulse, programme_pulse
from facilitator.store.tables import ProgrammeRow
from facilitator.web.errors import NotFound
from facilitator.web.pages import who
from facilitator.web.render import language_of, page
from facilitator.web.services import services
from facilitator.web.views.pulse import programme_pulse as pulse_view


async def pulse_page(request: Request) -> Response:
    row, _actor, _room = await who(request, Role.FACILITATOR, Role.PROJECTOR)
    if row.programme_id is None:
        raise NotFound()
    app = services(request)
    language = language_of(request)
    programme_id = row.programme_id

    def read() -> tuple[ProgrammePulse, str]:
        with session_scope(app.engine) as session:
            data = programme_pulse(session, programme_id=programme_id)
            row = session.get(ProgrammeRow, programme_id)
            title = Text.model_validate(row.spec["title"]).get(language) if row else ""
            return data, title

    data, title = await asyncio.to_thread(read)
    if data.pulse is None or data.result is None:
        raise NotFound()
    context = {
        "workshop": row,
        "programme_title": title,
        "pulse": pulse_view(data.pulse, data.result, language),
    }
    response = page(app.renderer, request, "projector/pulse.html", context)
    response.headers["cache-control"] = "no-store"
    return response


routes = [Route("/w/{workshop_id}/pulse", pulse_page)]
