"""The rules of polls: who answers what, one answer per person, and the reveal.

A poll phase puts one question to its actors (guests only where the agenda lists them): a
single or multiple choice among options, a point on a scale, or a short text. A person may
change their answer until the facilitator reveals the results, which closes the poll; before
that only the facilitator sees them. Pure like the board.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from facilitator.agenda import TEXT_ANSWER_LIMIT, Phase, PollPhase, Role
from facilitator.core import board_rules as rules
from facilitator.core import people
from facilitator.core.actors import Actor
from facilitator.core.board_state import Member
from facilitator.core.errors import CONFLICT, INVALID, Refusal
from facilitator.core.poll_messages import (
    AnswerPoll,
    PollAnswer,
    PollAnswered,
    PollCommand,
    PollEvent,
    PollResults,
    PollRevealed,
    RevealPoll,
)
from facilitator.core.poll_state import Answer, PollsState, evolve, results
from facilitator.core.text import storable

__all__ = ["PollResults", "PollsState", "decide", "evolve", "off_scale", "results"]

NOT_POLL = Refusal("No poll is open now.", code="not_poll", kind=CONFLICT)
POLL_CLOSED = Refusal(
    "The results are shown; the poll is closed.", code="poll_closed", kind=CONFLICT
)
NO_ANSWERS = Refusal("Nobody has answered yet.", code="no_answers", kind=CONFLICT)
BAD_ANSWER = Refusal("That is not an answer to this question.", code="bad_answer", kind=INVALID)
NO_CHOICE = Refusal("Choose an option.", code="no_choice", kind=INVALID)
ONE_CHOICE = Refusal("Choose one option only.", code="one_choice", kind=INVALID)
EMPTY_ANSWER = Refusal("Write your answer before you send it.", code="empty_answer", kind=INVALID)


def no_option(option: str) -> Refusal:
    return Refusal("There is no option {option}.", {"option": option}, "no_option", kind=INVALID)


def too_many_choices(most: int) -> Refusal:
    return Refusal("Choose at most {max} options.", {"max": most}, "too_many_choices", kind=INVALID)


def off_scale(low: int, high: int) -> Refusal:
    return Refusal(
        "Choose a whole number from {min} to {max}.",
        {"min": low, "max": high},
        "off_scale",
        kind=INVALID,
    )


def answer_too_long(limit: int) -> Refusal:
    return Refusal(
        "An answer can be at most {limit} characters.",
        {"limit": limit},
        "answer_too_long",
        kind=INVALID,
    )


def decide(
    state: PollsState,
    members: Mapping[str, Member],
    phase: Phase | None,
    command: PollCommand,
    actor: Actor,
    now: datetime,
    *,
    paused: bool = False,
) -> list[PollEvent] | Refusal:
    if actor.role is Role.PROJECTOR:
        return rules.READ_ONLY
    if not actor.is_facilitator and actor.participant_id not in members:
        return rules.NOT_JOINED
    if isinstance(command, RevealPoll) and not actor.is_facilitator:
        return rules.FORBIDDEN
    if phase is None:
        return rules.NOT_RUNNING
    if not isinstance(phase, PollPhase):
        return NOT_POLL
    given = state.of(phase.key)
    match command:
        case RevealPoll():
            if phase.key in state.revealed:
                return rules.UNCHANGED
            if not given:
                return NO_ANSWERS
            return [PollRevealed(at=now, phase=phase.key, results=results(phase, given))]
        case AnswerPoll(answer=raw):
            if refusal := people.takes_part(phase, actor, paused):
                return refusal
            if phase.key in state.revealed:
                return POLL_CLOSED
            answer = checked(phase, raw)
            if isinstance(answer, Refusal):
                return answer
            me = rules.actor_id(actor)
            if given.get(me) == answer:
                return rules.UNCHANGED
            return [PollAnswered(at=now, phase=phase.key, by=me, answer=answer)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def checked(phase: PollPhase, raw: PollAnswer) -> Answer | Refusal:
    """The answer as stored (keys in the options' order, a text stripped), or why it will
    not do for this poll."""
    keys = [option.key for option in phase.options]
    match phase.answer, raw:
        case "single", str() | tuple():
            chosen = (raw,) if isinstance(raw, str) else raw
            if not chosen:
                return NO_CHOICE
            if len(set(chosen)) > 1:
                return ONE_CHOICE
            return chosen[0] if chosen[0] in keys else no_option(chosen[0])
        case "multiple", str() | tuple():
            chosen = (raw,) if isinstance(raw, str) else raw
            if not chosen:
                return NO_CHOICE
            if unknown := next((key for key in chosen if key not in keys), None):
                return no_option(unknown)
            most = phase.max_choices or len(keys)
            if len(set(chosen)) > most:
                return too_many_choices(most)
            return tuple(key for key in keys if key in chosen)
        case "scale", int():
            assert phase.scale is not None
            low, high = phase.scale.min, phase.scale.max
            return raw if low <= raw <= high else off_scale(low, high)
        case "text", str():
            text = raw.strip()
            if not text:
                return EMPTY_ANSWER
            if not storable(text):
                return rules.BAD_CHARACTERS
            return text if len(text) <= TEXT_ANSWER_LIMIT else answer_too_long(TEXT_ANSWER_LIMIT)
    return BAD_ANSWER
