"""Collecting the boards', the plenum's and the pulse's exports from the store (like
``collect`` for the catalogue): the plain data the formats take."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, select

from facilitator.agenda import PlenumPhase, Text, VotePhase
from facilitator.clock import Clock
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR
from facilitator.core.board_state import Member
from facilitator.store.pulse import programme_pulse
from facilitator.store.tables import ProgrammeRow, Workshop
from facilitator.store.workshops import agenda_of, restore

from ._board import BoardExport
from ._board import IdeaRow as BoardIdeaRow
from ._plenum import PersonRow, PlenumExport, QuestionRow
from ._pulse import AnswerRow, PulseExport


def board_export(
    session: Session, *, workshop: Workshop, language: str, clock: Clock
) -> BoardExport:
    """Every idea of a workshop's boards, hidden ones too (the export is the facilitator's),
    anonymous ones without their author; a merged idea is part of the one it was merged into
    (whose votes it brought along)."""
    state = restore(session, workshop=workshop)
    agenda = agenda_of(workshop)
    board = state.board
    titles = {phase.key: phase.title.get(language) for phase in agenda.phases}
    votes: dict[str, int] = {}
    for phase in agenda.phases:
        if isinstance(phase, VotePhase):
            for idea, count in board.tally(phase.key).items():
                votes[idea] = votes.get(idea, 0) + count
    sight = visibility.of(FACILITATOR)
    ideas = sorted(
        (i for i in sight.ideas(board) if i.merged_into is None),
        key=lambda i: agenda.boards.index(i.board) if i.board in agenda.boards else 0,
    )
    rows = tuple(
        BoardIdeaRow(
            board=idea.board,
            phase=titles.get(idea.phase, idea.phase),
            group=idea.group,
            theme=board.themes[idea.theme].name
            if idea.theme and idea.theme in board.themes
            else None,
            text=idea.text,
            author=None if idea.anonymous else _name(board.members, idea.author),
            votes=votes.get(idea.id, 0),
            hidden=idea.hidden,
            posted_at=idea.posted_at,
        )
        for idea in ideas
    )
    programme = session.get(ProgrammeRow, workshop.programme_id) if workshop.programme_id else None
    return BoardExport(
        workshop_title=agenda.title.get(language),
        organisation=str(programme.spec.get("organisation", "")) if programme else "",
        generated_at=clock(),
        language=language,
        ideas=rows,
    )


def _name(members: Mapping[str, Member], author: str) -> str:
    member = members.get(author)
    return member.name if member is not None else author


def plenum_export(
    session: Session, *, workshop: Workshop, language: str, clock: Clock
) -> PlenumExport:
    """A workshop's plenum questions, every one (hidden and waiting ones too: the export is
    the facilitator's), anonymous ones without their asker, and its people with their role."""
    state = restore(session, workshop=workshop)
    agenda = agenda_of(workshop)
    titles = {phase.key: phase.title.get(language) for phase in agenda.phases}
    order = {p.key: i for i, p in enumerate(agenda.phases) if isinstance(p, PlenumPhase)}
    members = state.board.members
    sight = visibility.of(FACILITATOR)
    rows = []
    for question in sorted(
        sight.questions(state.questions), key=lambda q: order.get(q.phase, len(order))
    ):
        asker = sight.question_asker(question)
        member = members.get(asker) if asker else None
        rows.append(
            QuestionRow(
                plenum=titles.get(question.phase, question.phase),
                text=question.text,
                asker=None if asker is None else member.name if member else asker,
                asker_role=None if asker is None else member.role if member else asker,
                votes=question.votes,
                status="hidden"
                if question.hidden
                else "approved"
                if question.approved
                else "pending",
                answered=question.answered,
                on_wall=state.questions.wall == question.id,
                asked_at=question.asked_at,
            )
        )
    speaks: dict[str, list[str]] = {}
    for phase, speakers in state.board.speakers.items():
        for pid in speakers:
            speaks.setdefault(pid, []).append(titles.get(phase, phase))
    people = tuple(
        PersonRow(m.name, m.department, m.role, tuple(speaks.get(m.id, ())))
        for m in members.values()
    )
    programme = session.get(ProgrammeRow, workshop.programme_id) if workshop.programme_id else None
    return PlenumExport(
        workshop_title=agenda.title.get(language),
        organisation=str(programme.spec.get("organisation", "")) if programme else "",
        generated_at=clock(),
        language=language,
        questions=tuple(rows),
        people=people,
    )


def pulse_export(
    session: Session,
    *,
    programme_id: str,
    language: str,
    clock: Clock,
    salt: str | None = None,
) -> PulseExport | None:
    """Every measurement of a programme; None if it defines no pulse."""
    read = programme_pulse(session, programme_id=programme_id, salt=salt)
    programme = session.get(ProgrammeRow, programme_id)
    if read.pulse is None or read.result is None or programme is None:
        return None
    shown = {m.measurement for m in read.result.measurements if m.shown}
    keys = [item.key for item in read.pulse.items]
    rows = session.exec(select(Workshop).where(Workshop.programme_id == programme_id)).all()
    workshops = {w.key: agenda_of(w).title.get(language) for w in rows}
    answers = tuple(
        AnswerRow(
            measurement=record.measurement,
            workshop=workshops.get(record.workshop, record.workshop),
            person=record.person,
            role=record.role,
            scores=tuple(record.answer.scores.get(key) for key in keys),
            recommend=record.answer.recommend,
            why=record.answer.why,
        )
        for record in read.records
        if record.measurement in shown
    )
    return PulseExport(
        programme_title=Text.model_validate(programme.spec["title"]).get(language),
        organisation=str(programme.spec.get("organisation", "")),
        generated_at=clock(),
        language=language,
        pulse=read.pulse,
        answers=answers,
        result=read.result,
    )
