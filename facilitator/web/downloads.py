"""The facilitator's downloads: the catalogue (md, csv, xlsx, printable html), a workshop's
boards and its plenum questions and people (csv, xlsx), and the programme's service pulse
(csv, xlsx)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from facilitator.agenda import Role
from facilitator.clock import Clock
from facilitator.exports import (
    FORMATS,
    BoardExport,
    ExportData,
    PlenumExport,
    PulseExport,
    board_csv,
    board_xlsx,
    plenum_xlsx,
    pulse_csv,
    pulse_xlsx,
    questions_csv,
)
from facilitator.exports import render as render_catalogue
from facilitator.exports.collect import export_data
from facilitator.exports.gather import board_export, plenum_export, pulse_export
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web.errors import NotFound
from facilitator.web.pages import who
from facilitator.web.render import language_of
from facilitator.web.services import services

T = TypeVar("T")
Read = Callable[[Session, Workshop, str, Clock], T]  # session, workshop, language, clock
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSV = "text/csv; charset=utf-8"


async def _read(request: Request, read: Read[T]) -> tuple[Workshop, T]:
    """The facilitator's workshop and what ``read`` makes of it, off the event loop."""
    row, _actor, _room = await who(request, Role.FACILITATOR)
    app = services(request)
    language = language_of(request)

    def in_a_thread() -> T:
        with session_scope(app.engine) as session:
            return read(session, row, language, app.clock)

    return row, await asyncio.to_thread(in_a_thread)


def _format(request: Request, allowed: tuple[str, ...]) -> str:
    fmt: str = request.path_params["fmt"]
    if fmt not in allowed:
        raise NotFound()
    return fmt


def _download(content: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


def _catalogue(session: Session, row: Workshop, language: str, clock: Clock) -> ExportData:
    return export_data(session, workshop=row, language=language, clock=clock)


def _board(session: Session, row: Workshop, language: str, clock: Clock) -> BoardExport:
    return board_export(session, workshop=row, language=language, clock=clock)


def _plenum(session: Session, row: Workshop, language: str, clock: Clock) -> PlenumExport:
    return plenum_export(session, workshop=row, language=language, clock=clock)


def _pulse(session: Session, row: Workshop, language: str, clock: Clock) -> PulseExport | None:
    if row.programme_id is None:
        return None
    return pulse_export(session, programme_id=row.programme_id, language=language, clock=clock)


async def catalogue(request: Request) -> Response:
    """The catalogue with every decision, drafts included."""
    fmt = _format(request, FORMATS)
    row, data = await _read(request, _catalogue)
    content, media_type, extension = render_catalogue(data, fmt, services(request).renderer)
    if fmt == "html":  # printable: shown, not downloaded
        return Response(content, media_type=media_type, headers={"content-disposition": "inline"})
    return _download(content, media_type, f"catalogue-{row.key}.{extension}")


async def boards(request: Request) -> Response:
    """Every idea of the workshop's boards, with group, theme, author and votes."""
    fmt = _format(request, ("csv", "xlsx"))
    row, data = await _read(request, _board)
    if fmt == "csv":
        return _download(board_csv(data), _CSV, f"board-{row.key}.csv")
    return _download(board_xlsx(data), _SPREADSHEET, f"board-{row.key}.xlsx")


async def questions(request: Request) -> Response:
    """Every plenum question (hidden and waiting ones too) and the people, with their role."""
    fmt = _format(request, ("csv", "xlsx"))
    row, data = await _read(request, _plenum)
    if fmt == "csv":
        return _download(questions_csv(data), _CSV, f"questions-{row.key}.csv")
    return _download(plenum_xlsx(data), _SPREADSHEET, f"questions-{row.key}.xlsx")


async def pulse(request: Request) -> Response:
    """Every measurement of the programme's service pulse, pseudonymous."""
    fmt = _format(request, ("csv", "xlsx"))
    _row, data = await _read(request, _pulse)
    if data is None:
        raise NotFound()
    if fmt == "csv":
        return _download(pulse_csv(data), _CSV, "pulse.csv")
    return _download(pulse_xlsx(data), _SPREADSHEET, "pulse.xlsx")


routes = [
    Route("/w/{workshop_id}/export.{fmt}", catalogue),
    Route("/w/{workshop_id}/board.{fmt}", boards),
    Route("/w/{workshop_id}/questions.{fmt}", questions),
    Route("/w/{workshop_id}/pulse.{fmt}", pulse),
]
