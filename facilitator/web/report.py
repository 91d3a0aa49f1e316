"""The printable programme report (``/home/programmes/{id}/report``, for a browser signed in
to the facilitator's home), in the page's language: ``?lang=en`` for English."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from facilitator.exports.report import ReportData, report_data, to_report_html
from facilitator.store.db import session_scope
from facilitator.web.errors import NotFound
from facilitator.web.home import is_signed_in, programme_id_of, refused_page
from facilitator.web.render import language_of
from facilitator.web.services import services


async def report(request: Request) -> Response:
    if not await is_signed_in(request):
        return refused_page(request)
    app = services(request)
    programme_id = programme_id_of(request)
    language = language_of(request)

    def read() -> ReportData | None:
        with session_scope(app.engine) as session:
            return report_data(
                session, programme_id=programme_id, language=language, clock=app.clock
            )

    data = await asyncio.to_thread(read)
    if data is None:
        raise NotFound()
    html = to_report_html(data, app.renderer)
    return Response(
        html, media_type="text/html; charset=utf-8", headers={"cache-control": "no-store"}
    )


routes = [Route("/home/programmes/{programme_id}/report", report)]
