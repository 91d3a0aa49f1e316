"""The rules of the service pulse: who answers, one answer per person, and closing.

A pulse phase takes one measurement of the programme's pulse (the agenda's ``pulse``, the one
definition). Its actors answer every item on the 1–5 scale, the recommend question if there
is one (or skip it), and why; they may change their answer until the facilitator closes the
measurement. No view shows anyone's answer to anyone else; results are shown once it is
closed and enough people answered (``core.visibility``, ``core.pulse_results``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from facilitator.agenda import RECOMMEND, SCALE, Phase, Pulse, PulsePhase, Role
from facilitator.core import board_rules as rules
from facilitator.core import people, polls
from facilitator.core.actors import Actor
from facilitator.core.board_state import Member
from facilitator.core.errors import CONFLICT, INVALID, Refusal
from facilitator.core.pulse_messages import (
    WHY_LIMIT,
    AnswerPulse,
    ClosePulse,
    PulseAnswered,
    PulseClosed,
    PulseCommand,
    PulseEvent,
)
from facilitator.core.pulse_results import measurement_result
from facilitator.core.pulse_state import PulseAnswer, PulseState, evolve
from facilitator.core.text import storable

__all__ = ["PulseAnswer", "PulseState", "decide", "evolve"]

NOT_PULSE = Refusal("The pulse is not being taken now.", code="not_pulse", kind=CONFLICT)
NO_PULSE = Refusal("This programme defines no such pulse.", code="no_pulse", kind=CONFLICT)
PULSE_CLOSED = Refusal("This measurement is closed.", code="pulse_closed", kind=CONFLICT)
MISSING_SCORES = Refusal("Answer every question of the pulse.", code="missing_scores", kind=INVALID)
NO_RECOMMEND = Refusal("This pulse has no recommend question.", code="no_recommend", kind=INVALID)
WHY_TOO_LONG = Refusal(
    "A comment can be at most {limit} characters.",
    {"limit": WHY_LIMIT},
    "why_too_long",
    kind=INVALID,
)


def no_item(item: str) -> Refusal:
    return Refusal("There is no pulse question {item}.", {"item": item}, "no_item", kind=INVALID)


def decide(
    state: PulseState,
    members: Mapping[str, Member],
    phase: Phase | None,
    pulse: Pulse | None,
    command: PulseCommand,
    actor: Actor,
    now: datetime,
    *,
    paused: bool = False,
) -> list[PulseEvent] | Refusal:
    """``pulse`` is the agenda's (the programme's) pulse, None if it has none."""
    if actor.role is Role.PROJECTOR:
        return rules.READ_ONLY
    if not actor.is_facilitator and actor.participant_id not in members:
        return rules.NOT_JOINED
    if isinstance(command, ClosePulse) and not actor.is_facilitator:
        return rules.FORBIDDEN
    if phase is None:
        return rules.NOT_RUNNING
    if not isinstance(phase, PulsePhase):
        return NOT_PULSE
    if pulse is None or pulse.measurement(phase.measurement) is None:
        return NO_PULSE
    key = phase.measurement
    match command:
        case ClosePulse():
            if key in state.closed:
                return rules.UNCHANGED
            if not state.of(key):
                return polls.NO_ANSWERS
            final = measurement_result(pulse, key, state.of(key).values(), closed=True)
            return [PulseClosed(at=now, measurement=key, result=final)]
        case AnswerPulse():
            if refusal := people.takes_part(phase, actor, paused):
                return refusal
            if key in state.closed:
                return PULSE_CLOSED
            answer = checked(pulse, command)
            if isinstance(answer, Refusal):
                return answer
            me = rules.actor_id(actor)
            if state.of(key).get(me) == answer:
                return rules.UNCHANGED
            return [
                PulseAnswered(
                    at=now,
                    measurement=key,
                    by=me,
                    scores=dict(answer.scores),
                    recommend=answer.recommend,
                    why=answer.why,
                )
            ]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def checked(pulse: Pulse, command: AnswerPulse) -> PulseAnswer | Refusal:
    """The answer as stored (scores in the pulse's order, why stripped), or why it will not
    do: every item scored on the scale, the recommend score only where asked."""
    keys = [item.key for item in pulse.items]
    if unknown := next((key for key in command.scores if key not in keys), None):
        return no_item(unknown)
    if any(key not in command.scores for key in keys):
        return MISSING_SCORES
    low, high = SCALE
    if any(not low <= score <= high for score in command.scores.values()):
        return polls.off_scale(low, high)
    if command.recommend is not None:
        if pulse.recommend is None:
            return NO_RECOMMEND
        if not RECOMMEND[0] <= command.recommend <= RECOMMEND[1]:
            return polls.off_scale(*RECOMMEND)
    why = command.why.strip()
    if not storable(why):
        return rules.BAD_CHARACTERS
    if len(why) > WHY_LIMIT:
        return WHY_TOO_LONG
    return PulseAnswer({key: command.scores[key] for key in keys}, command.recommend, why)
