"""The programme report: a printable summary of the whole programme, for the municipality's
files. Per workshop: when it ran, who took part (by role and department), the ideas each
phase brought, the votes cast, the plenum questions; for the programme: the decisions, and
the service pulse where it was taken (only the measurements shown, with their n).

``report_data`` reads the store (like ``collect`` and ``gather``); ``to_report_html``
renders ``templates/exports/report.html`` with ``static/print.css``. No names of people
appear: the report counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from facilitator import i18n
from facilitator.agenda import PlenumPhase, Text, VotePhase
from facilitator.clock import Clock
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR
from facilitator.store.outcome import catalogue_workshop
from facilitator.store.programmes import programme as programme_view
from facilitator.store.pulse import programme_pulse
from facilitator.store.workshops import agenda_of, departments_of, restore

from ._data import _VERDICT_LABELS, VERDICTS

if TYPE_CHECKING:
    from facilitator.rendering import Renderer

TEMPLATE = "exports/report.html"
ROLES = (
    ("participant", i18n.N_("Staff")),
    ("leader", i18n.N_("Leaders")),
    ("guest", i18n.N_("Guests")),
)
STATES = {
    "lobby": i18n.N_("Planned"),
    "running": i18n.N_("Running"),
    "paused": i18n.N_("Paused"),
    "ended": i18n.N_("Ended"),
}


@dataclass(frozen=True)
class PhaseFigures:
    title: str
    kind: str
    ideas: int | None  # a phase that takes ideas: how many it brought (None: it takes none)
    votes: int | None  # a vote phase: the votes cast
    questions: int | None  # a plenum: the questions asked


@dataclass(frozen=True)
class WorkshopFigures:
    title: str
    when: str
    state: str
    people: tuple[tuple[str, int], ...]  # role label → how many
    departments: tuple[tuple[str, int], ...]  # department → how many (staff and leaders)
    phases: tuple[PhaseFigures, ...]
    ideas: int
    votes: int
    questions: int


@dataclass(frozen=True)
class ReportData:
    title: str
    organisation: str
    language: str
    generated_at: datetime
    workshops: tuple[WorkshopFigures, ...]
    decisions: tuple[tuple[str, int], ...]  # verdict label → how many
    undecided: int
    pulse: tuple[dict[str, Any], ...]  # per measurement: title, n, shown, items, recommend


def report_data(
    session: Session, *, programme_id: str, language: str, clock: Clock
) -> ReportData | None:
    view = programme_view(session, programme_id=programme_id)
    if view is None:
        return None
    t = i18n.translations(language).gettext
    workshops = tuple(_workshop(session, row, language) for row in view.workshops)
    decisions: Counter[str | None] = Counter()
    if view.workshops:
        held = catalogue_workshop(session, workshop=view.workshops[0])
        if held is not None:
            for entry in restore(session, workshop=held).catalogue.entries.values():
                decisions[entry.verdict.value if entry.verdict else None] += 1
    return ReportData(
        title=view.title.get(language),
        organisation=str(view.row.spec.get("organisation", "")),
        language=language,
        generated_at=clock(),
        workshops=workshops,
        decisions=tuple(
            (t(_VERDICT_LABELS[verdict]), decisions[verdict]) for verdict in VERDICTS if verdict
        ),
        undecided=decisions[None],
        pulse=_pulse(session, programme_id, language, t),
    )


def _workshop(session: Session, row: Any, language: str) -> WorkshopFigures:
    t = i18n.translations(language).gettext
    agenda = agenda_of(row)
    state = restore(session, workshop=row)
    board = state.board
    members = list(board.members.values())
    departments = {
        key: Text.model_validate(name).get(language)
        for key, name in departments_of(session, workshop=row).items()
    }
    roles: Counter[str] = Counter(str(m.role) for m in members)
    by_department = Counter(
        departments.get(m.department, m.department) for m in members if m.department
    )
    sight = visibility.of(FACILITATOR)
    ideas = [i for i in sight.ideas(board) if not i.hidden and i.merged_into is None]
    per_phase = Counter(i.phase for i in ideas)
    questions = Counter(q.phase for q in state.questions.questions.values() if not q.hidden)
    phases = []
    for phase in agenda.phases:
        votes = sum(board.tally(phase.key).values()) if isinstance(phase, VotePhase) else None
        takes = getattr(phase, "board", None) is not None and not isinstance(phase, VotePhase)
        phases.append(
            PhaseFigures(
                title=phase.title.get(language),
                kind=phase.kind.value,
                ideas=per_phase.get(phase.key, 0) if takes else None,
                votes=votes,
                questions=questions.get(phase.key, 0) if isinstance(phase, PlenumPhase) else None,
            )
        )
    started = [c.started_at for c in state.machine.clocks if c.started_at]
    when = row.starts_at or (min(started) if started else None)
    return WorkshopFigures(
        title=agenda.title.get(language),
        when=i18n.format_datetime(when, language) if when else "",
        state=t(STATES.get(row.status, row.status)),
        people=tuple((t(label), roles.get(role, 0)) for role, label in ROLES),
        departments=tuple(sorted(by_department.items(), key=lambda item: (-item[1], item[0]))),
        phases=tuple(phases),
        ideas=len(ideas),
        votes=sum(p.votes or 0 for p in phases),
        questions=sum(questions.values()),
    )


def _pulse(
    session: Session, programme_id: str, language: str, t: Any
) -> tuple[dict[str, Any], ...]:
    read = programme_pulse(session, programme_id=programme_id, salt="report")
    if read.pulse is None or read.result is None:
        return ()
    items = {item.key: item.text.get(language) for item in read.pulse.items}
    shown = []
    for result in read.result.measurements:
        measurement = read.pulse.measurement(result.measurement)
        if result.answered == 0:
            continue
        shown.append(
            {
                "title": measurement.title.get(language) if measurement else result.measurement,
                "n": result.answered,
                "shown": result.shown,
                "items": [
                    {
                        "text": items.get(i.item, i.item),
                        "mean": f"{i.mean:.1f}",
                        "spread": f"{i.spread:.1f}",
                        "n": i.n,
                    }
                    for i in result.items
                ],
                "nps": result.recommend.nps if result.recommend else None,
            }
        )
    return tuple(shown)


def to_report_html(data: ReportData, renderer: Renderer) -> str:
    context = {
        "data": data,
        "generated": i18n.format_datetime(data.generated_at, data.language),
        "generated_iso": data.generated_at.astimezone(UTC).isoformat(timespec="seconds"),
    }
    return renderer.render(TEMPLATE, context, data.language)
