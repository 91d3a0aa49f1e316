"""The console's plenum, poll and pulse: what the room asked and answered so far, as the
facilitator sees it (every question, every answer; a pulse's results only once closed and
above its minimum, as for everyone).

Pure, like the rest of the console (``views.console``), which puts these in its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.agenda import Agenda, Phase, PlenumPhase, PollPhase, PulsePhase
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR
from facilitator.core.poll_state import results as poll_results
from facilitator.core.pulse_results import measurement_result
from facilitator.core.workshop import WorkshopState

SIGHT = visibility.of(FACILITATOR)


@dataclass(frozen=True)
class QuestionRow:
    id: str
    text: str
    by: str | None  # the asker's name; None when anonymous (to the facilitator too)
    from_facilitator: bool
    votes: int
    approved: bool
    hidden: bool
    answered: bool
    on_wall: bool


def plenum_view(state: WorkshopState, phase: PlenumPhase, language: str) -> dict[str, Any]:
    """The plenum under way: its speakers, and its questions, most upvoted first (hidden
    ones last), with what the facilitator may do to each."""
    members = state.board.members
    wall = state.questions.wall
    asked = [q for q in SIGHT.questions(state.questions) if q.phase == phase.key]
    asked.sort(key=lambda q: q.hidden)  # stable: the ranking stands among the shown
    rows = []
    for q in asked:
        asker = SIGHT.question_asker(q)
        rows.append(
            QuestionRow(
                id=q.id,
                text=q.text,
                by=members[asker].name if asker is not None and asker in members else None,
                from_facilitator=asker == "facilitator",
                votes=q.votes,
                approved=q.approved,
                hidden=q.hidden,
                answered=q.answered,
                on_wall=wall == q.id,
            )
        )
    speakers = state.board.speakers.get(phase.key, ())
    return {
        "speaker": phase.speaker.get(language) if phase.speaker else "",
        "speakers": [members[s].name for s in speakers if s in members],
        "takes_questions": phase.questions,
        "moderated": phase.moderated_questions,
        "anonymous": phase.anonymous_questions,
        "questions": tuple(rows),
        "waiting": sum(1 for r in rows if not r.approved and not r.hidden),
        "wall": wall,
    }


def eligible(state: WorkshopState, phase: Phase) -> int:
    """How many members may answer in the phase (its actors)."""
    roles = {role.value for role in phase.actors}
    return sum(1 for m in state.board.members.values() if m.role in roles)


def poll_view(state: WorkshopState, phase: PollPhase, language: str) -> dict[str, Any]:
    """A poll under way: answers so far and what they add up to (the facilitator may see
    them at any time; the console shows them only on purpose until the reveal)."""
    given = state.polls.of(phase.key)
    found = poll_results(phase, given)
    counts = found.counts or {}
    distribution = found.distribution or {}
    return {
        "question": phase.question.get(language),
        "answer": phase.answer,
        "answered": found.answered,
        "eligible": eligible(state, phase),
        "revealed": phase.key in state.polls.revealed,
        "options": [(o.label.get(language), counts.get(o.key, 0)) for o in phase.options],
        "distribution": sorted(distribution.items()),
        "mean": found.mean,
        "texts": found.texts or (),
        "low": phase.scale.low.get(language) if phase.scale else "",
        "high": phase.scale.high.get(language) if phase.scale else "",
    }


def pulse_view(
    state: WorkshopState, agenda: Agenda, phase: PulsePhase, language: str
) -> dict[str, Any] | None:
    """A pulse under way: answers so far, the minimum, and once closed the results (the same
    as everyone's: the facilitator has no earlier look)."""
    pulse = agenda.pulse
    if pulse is None:
        return None
    key = phase.measurement
    measurement = pulse.measurement(key)
    given = state.pulse.of(key)
    closed = key in state.pulse.closed
    result = measurement_result(pulse, key, given.values(), closed=closed)
    texts = {item.key: item.text.get(language) for item in pulse.items}
    return {
        "title": measurement.title.get(language) if measurement else key,
        "answered": len(given),
        "eligible": eligible(state, phase),
        "minimum": pulse.minimum_answers,
        "closed": closed,
        "shown": result.shown,
        "items": [(texts.get(r.item, r.item), r.mean, r.spread, r.n) for r in result.items],
        "recommend": result.recommend,
        "why": result.why,
    }
