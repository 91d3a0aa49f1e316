"""The JSON parts of the plenum, the polls and the pulse, per viewer (``protocol`` puts them
in the snapshot and redacts their events with them). What a viewer may see is
``core.visibility``'s to say; this module only asks it.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypeIs

from facilitator.agenda import Agenda, PollPhase, PulsePhase
from facilitator.core.people_messages import PeopleEvent
from facilitator.core.poll_messages import PollAnswered, PollEvent, PollRevealed
from facilitator.core.poll_state import results
from facilitator.core.pulse_messages import PulseAnswered, PulseClosed, PulseEvent
from facilitator.core.pulse_results import measurement_result
from facilitator.core.pulse_state import PulseAnswer
from facilitator.core.question_messages import (
    QuestionApproved,
    QuestionEvent,
    QuestionHidden,
    QuestionPosted,
    QuestionShown,
    QuestionUnhidden,
    QuestionUpvoted,
    UpvoteWithdrawn,
)
from facilitator.core.questions_state import PlenumQuestion
from facilitator.core.visibility import Sight
from facilitator.core.workshop import Event, WorkshopState

_OURS: tuple[type, ...] = (
    *QuestionEvent.__args__,
    *PollEvent.__args__,
    *PulseEvent.__args__,
    *PeopleEvent.__args__,
)
# Events whose redaction depends on who the viewer is, not only on their role.
PERSONAL = frozenset({*QuestionEvent.__args__, PollAnswered, PulseAnswered}) - {
    QuestionShown,
    QuestionHidden,
}


def ours(event: Event) -> TypeIs[QuestionEvent | PollEvent | PulseEvent | PeopleEvent]:
    return isinstance(event, _OURS)


def question_view(question: PlenumQuestion, sight: Sight) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": question.id,
        "phase": question.phase,
        "text": question.text,
        "by": sight.question_asker(question),
        "mine": question.by == sight.me,
        "anonymous": question.anonymous,
        "approved": question.approved,
        "answered": question.answered,
        "votes": question.votes,
        "upvoted": sight.me in question.upvoters,
        "asked_at": question.asked_at.isoformat(),
    }
    if sight.moderation:
        view["hidden"] = question.hidden
    if sight.upvoters:
        view["upvoters"] = sorted(question.upvoters)
    return view


def plenum_view(state: WorkshopState, sight: Sight) -> dict[str, Any]:
    wall = state.questions.wall
    return {
        "speakers": {phase: list(ids) for phase, ids in state.board.speakers.items()},
        "questions": [question_view(q, sight) for q in sight.questions(state.questions)],
        "wall": wall,
    }


def polls_view(state: WorkshopState, agenda: Agenda, sight: Sight) -> dict[str, Any]:
    """Per poll phase: how many answered, my answer, and the results once I may see them."""
    view: dict[str, Any] = {}
    for phase in agenda.phases:
        if not isinstance(phase, PollPhase):
            continue
        given = state.polls.of(phase.key)
        entry: dict[str, Any] = {
            "revealed": phase.key in state.polls.revealed,
            "answered": len(given),
        }
        if sight.viewer.participant_id is not None:
            mine = given.get(sight.viewer.participant_id)
            entry["mine"] = list(mine) if isinstance(mine, tuple) else mine
        if sight.poll_results(state.polls, phase.key):
            entry["results"] = results(phase, given).model_dump(mode="json")
        view[phase.key] = entry
    return view


def pulse_view(state: WorkshopState, agenda: Agenda, sight: Sight) -> dict[str, Any]:
    """Per measurement taken here: n, whether it is closed, my answer, and the results (for
    every viewer alike, with n always and the numbers only once shown)."""
    view: dict[str, Any] = {}
    pulse = agenda.pulse
    for phase in agenda.phases:
        if not isinstance(phase, PulsePhase) or pulse is None:
            continue
        key = phase.measurement
        given = state.pulse.of(key)
        closed = key in state.pulse.closed
        entry: dict[str, Any] = {
            "answered": len(given),
            "closed": closed,
            "minimum": pulse.minimum_answers,
        }
        me = sight.viewer.participant_id
        if me is not None:
            answer = given.get(me) if sight.pulse_answer(me) else None
            entry["mine"] = (
                None
                if answer is None
                else {
                    "scores": dict(answer.scores),
                    "recommend": answer.recommend,
                    "why": answer.why,
                }
            )
        result = measurement_result(pulse, key, given.values(), closed=closed)
        entry["results"] = result.model_dump(mode="json")
        view[key] = entry
    return view


def _answer_view(answer: PulseAnswer) -> dict[str, Any]:
    return {"scores": dict(answer.scores), "recommend": answer.recommend, "why": answer.why}


def redact(
    event: QuestionEvent | PollEvent | PulseEvent | PeopleEvent,
    data: dict[str, Any],
    sight: Sight,
    state: WorkshopState,
) -> dict[str, Any] | None:
    """The event as this viewer may see it now (None: not at all)."""
    match event:
        case PollAnswered(by=by):
            return data if sight.poll_answer(by) else None
        case PulseAnswered(by=by):
            return data if sight.pulse_answer(by) else None
        case PollRevealed() | PulseClosed():
            return data  # the final results; a pulse's numbers only if shown (in the result)
        case QuestionShown() | QuestionHidden():
            return data
    if not isinstance(event, QuestionEvent.__args__):
        return data  # people: who is a guest, who speaks
    question = state.questions.questions.get(event.question)
    if question is None or not sight.question(question):
        return None  # still waiting for approval, or hidden since
    match event:
        case QuestionPosted():
            return data | {
                "by": sight.question_asker(question),
                "view": question_view(question, sight),
            }
        case QuestionUpvoted(by=by) | UpvoteWithdrawn(by=by) if not sight.upvote(by):
            return {k: v for k, v in data.items() if k != "by"}
        case QuestionApproved() | QuestionUnhidden():
            # Approving or unhiding brings a question to people who never saw it.
            return data | {"view": question_view(question, sight)}
    return data
