"""The facilitator's home page as data: every programme, each workshop's state, date, codes,
links, QR code, exports and, while it runs, its schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel import dates

from facilitator import i18n
from facilitator.agenda import Agenda, Text
from facilitator.core import outcome
from facilitator.core.machine import MachineState, Status
from facilitator.i18n import N_
from facilitator.store.programmes import ProgrammeView
from facilitator.store.tables import Workshop
from facilitator.web.views.schedule import schedule
from facilitator.web.views.screens import qr_svg

STATES = {
    "planned": N_("Planned"),
    "running": N_("Running"),
    "paused": N_("Paused"),
    "ended": N_("Ended"),
}
LENGTHS = {"half_day": N_("Half day"), "full_day": N_("Full day")}
AUDIENCES = {"staff": N_("Staff"), "leaders": N_("Leaders")}
EXPORTS = (
    (N_("Catalogue"), "export", ("md", "csv", "xlsx", "html")),
    (N_("Boards"), "board", ("csv", "xlsx")),
    (N_("Plenum questions"), "questions", ("csv", "xlsx")),
    (N_("Service pulse"), "pulse", ("csv", "xlsx")),
)


def state_of(row: Workshop) -> str:
    """planned, running, paused or ended: as the home page says it."""
    return {"lobby": "planned"}.get(row.status, row.status)


def when(value: datetime, language: str) -> str:
    """``tirsdag den 12. januar 2027, 09.00``: the day in full, the time short (Copenhagen)."""
    day = value.astimezone(i18n.TIMEZONE).date()
    locale = "en_GB" if language == "en" else "da_DK"
    return f"{dates.format_date(day, 'full', locale=locale)}, {i18n.format_time(value, language)}"


def local_parts(value: datetime | None) -> tuple[str, str]:
    """A moment as the date and time inputs show it, in Copenhagen time ("" when unset)."""
    if value is None:
        return "", ""
    local = value.astimezone(i18n.TIMEZONE)
    return local.date().isoformat(), local.strftime("%H:%M")


def workshop_view(
    row: Workshop,
    agenda: Agenda,
    machine: MachineState,
    *,
    base_url: str,
    now: datetime,
    language: str,
    measures: bool,
) -> dict[str, Any]:
    t = i18n.translations(language).gettext
    state = state_of(row)
    join = f"{base_url}/join/{row.join_code}"
    date, time = local_parts(row.starts_at)
    links = [
        (
            i18n.gettext(language, "Facilitator console"),
            f"{base_url}/w/{row.id}/facilitator?token={row.facilitator_token}",
        ),
        (
            i18n.gettext(language, "Projector (the wall)"),
            f"{base_url}/w/{row.id}/projector?token={row.projector_token}",
        ),
        (i18n.gettext(language, "Participants' link"), join),
        (i18n.gettext(language, "Leaders' link"), f"{base_url}/join/{row.leader_code}"),
    ]
    if row.guest_code:
        links.append((i18n.gettext(language, "Guests' link"), f"{base_url}/join/{row.guest_code}"))
    exports = [
        {
            "label": t(label),
            "formats": [(fmt, f"/w/{row.id}/{stem}.{fmt}") for fmt in formats],
        }
        for label, stem, formats in EXPORTS
        if stem != "pulse" or measures
    ]
    phase = machine.phase
    running = machine.status in (Status.RUNNING, Status.PAUSED)
    return {
        "id": row.id,
        "key": row.key,
        "title": agenda.title.get(language),
        "audience": t(AUDIENCES[agenda.audience]),
        "length": t(LENGTHS[agenda.length.value]),
        "phases": len(agenda.phases),
        "minutes": agenda.total_minutes,
        "state": state,
        "state_label": t(STATES[state]),
        "date": date,
        "time": time,
        "when": when(row.starts_at, language) if row.starts_at else "",
        "join_code": row.join_code,
        "leader_code": row.leader_code,
        "guest_code": row.guest_code or "",
        "join_url": join,
        "qr": qr_svg(join),
        "links": [{"label": label, "url": url} for label, url in links],
        "exports": exports,
        "editor": f"/w/{row.id}/agenda",
        "codes": f"/home/workshops/{row.id}/codes",
        "holds_catalogue": outcome.holds_catalogue(agenda),
        "initiatives": f"/w/{row.id}/initiatives",
        "outcome": f"/w/{row.id}/outcome",
        "phase": (
            i18n.gettext(language, "Phase {number} of {total}").format(
                number=phase + 1, total=len(agenda.phases)
            )
            + f": {agenda.phases[phase].title.get(language)}"
            if running and phase is not None
            else ""
        ),
        "schedule": schedule(agenda, machine, starts_at=row.starts_at, now=now, language=language)
        if running
        else None,
    }


def programme_view(
    view: ProgrammeView, workshops: list[dict[str, Any]], language: str
) -> dict[str, Any]:
    title = Text.model_validate(view.row.spec["title"])
    return {
        "id": view.row.id,
        "key": view.row.key,
        "title": title.get(language),
        "title_da": title.da,
        "title_en": title.en,
        "organisation": str(view.row.spec.get("organisation", "")),
        "archived": view.row.archived_at is not None,
        "created": i18n.format_datetime(view.row.created_at, language),
        "running": any(w["state"] in ("running", "paused") for w in workshops),
        "workshops": workshops,
        "report": f"/home/programmes/{view.row.id}/report",
        "codes": f"/home/programmes/{view.row.id}/codes",
    }
