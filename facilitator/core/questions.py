"""The rules of plenum questions: who may ask, upvote and moderate, and when.

In a plenum phase that takes questions (``questions: true``) its actors (participants,
leaders and guests by default) ask, anonymously where the phase allows it, and upvote the
questions of others: once each, never their own, and an upvote can be taken back. Where the
phase is moderated, a question is seen by others only once the facilitator approves it. The
facilitator may also post (to note a question from the floor), hide, mark answered and put
one question on the wall. Pure like the board: the phase, the clock and the new question's
id are arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from facilitator.agenda import Phase, PlenumPhase, Role
from facilitator.core import board_rules as rules
from facilitator.core import catalogue, people, visibility
from facilitator.core.actors import Actor
from facilitator.core.board_state import Member
from facilitator.core.catalogue_messages import QUESTION_LIMIT
from facilitator.core.errors import CONFLICT, NOT_ALLOWED, Refusal
from facilitator.core.question_messages import (
    ApproveQuestion,
    HideQuestion,
    MarkAnswered,
    PostQuestion,
    QuestionAnswered,
    QuestionApproved,
    QuestionCommand,
    QuestionEvent,
    QuestionHidden,
    QuestionPosted,
    QuestionShown,
    QuestionUnhidden,
    QuestionUpvoted,
    ShowQuestion,
    UnhideQuestion,
    UpvoteQuestion,
    UpvoteWithdrawn,
    WithdrawUpvote,
)
from facilitator.core.questions_state import PlenumQuestion, QuestionsState, evolve, ranked
from facilitator.core.text import storable

__all__ = ["PlenumQuestion", "QuestionsState", "decide", "evolve", "ranked"]

NO_QUESTIONS = Refusal("This phase takes no questions.", code="no_questions", kind=CONFLICT)
NO_QUESTION = Refusal("That question no longer exists.", code="no_question", kind=CONFLICT)
NOT_ANONYMOUS = Refusal(
    "Questions in this phase are asked with your name.", code="not_anonymous", kind=CONFLICT
)
OTHER_PLENUM = Refusal(
    "That question belongs to another part of the day.", code="other_plenum", kind=CONFLICT
)
OWN_QUESTION = Refusal(
    "You cannot upvote your own question.", code="own_question", kind=NOT_ALLOWED
)
ALREADY_UPVOTED = Refusal(
    "You have already upvoted that question.", code="already_upvoted", kind=CONFLICT
)
NOT_UPVOTED = Refusal("You have not upvoted that question.", code="not_upvoted", kind=CONFLICT)
NOT_APPROVED = Refusal(
    "Only an approved question that is not hidden can go on the wall.",
    code="not_approved",
    kind=CONFLICT,
)

_MODERATION = (ApproveQuestion, HideQuestion, UnhideQuestion, MarkAnswered, ShowQuestion)


def decide(
    state: QuestionsState,
    members: Mapping[str, Member],
    phase: Phase | None,
    command: QuestionCommand,
    actor: Actor,
    now: datetime,
    command_id: str,
    *,
    paused: bool = False,
) -> list[QuestionEvent] | Refusal:
    """The events a command causes, or why it is refused (``members`` are the board's)."""
    if actor.role is Role.PROJECTOR:
        return rules.READ_ONLY
    if not actor.is_facilitator and actor.participant_id not in members:
        return rules.NOT_JOINED
    if isinstance(command, _MODERATION):
        return _moderate(state, command, actor, now)
    if isinstance(command, PostQuestion):
        return _post(state, phase, command, actor, now, command_id, paused)
    plenum = _taking_questions(phase, actor, paused)
    if isinstance(plenum, Refusal):
        return plenum
    me = rules.actor_id(actor)
    question = state.questions.get(command.question)
    match command:
        case UpvoteQuestion():
            if question is None or not visibility.of(actor).question(question):
                return NO_QUESTION
            if question.phase != plenum.key:
                return OTHER_PLENUM
            if question.by == me:
                return OWN_QUESTION
            if me in question.upvoters:
                return ALREADY_UPVOTED
            return [QuestionUpvoted(at=now, question=question.id, by=me)]
        case WithdrawUpvote():
            # Works on a question hidden since, so that no upvote is ever stuck.
            if question is None:
                return NO_QUESTION
            if question.phase != plenum.key:
                return OTHER_PLENUM
            if me not in question.upvoters:
                return NOT_UPVOTED
            return [UpvoteWithdrawn(at=now, question=question.id, by=me)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _taking_questions(phase: Phase | None, actor: Actor, paused: bool) -> PlenumPhase | Refusal:
    """The current plenum, if it takes questions from this actor now."""
    if phase is None:
        return rules.NOT_RUNNING
    if not isinstance(phase, PlenumPhase) or not phase.questions:
        return NO_QUESTIONS
    if refusal := people.takes_part(phase, actor, paused):
        return refusal
    return phase


def _post(
    state: QuestionsState,
    phase: Phase | None,
    command: PostQuestion,
    actor: Actor,
    now: datetime,
    command_id: str,
    paused: bool,
) -> list[QuestionEvent] | Refusal:
    if actor.is_facilitator and isinstance(phase, PlenumPhase) and phase.questions:
        plenum: PlenumPhase | Refusal = phase  # noting a question from the floor, any time
    else:
        plenum = _taking_questions(phase, actor, paused)
    if isinstance(plenum, Refusal):
        return plenum
    if command.anonymous and not plenum.anonymous_questions:
        return NOT_ANONYMOUS
    text = command.text.strip()
    if not text:
        return catalogue.EMPTY_QUESTION
    if not storable(text):
        return rules.BAD_CHARACTERS
    if len(text) > QUESTION_LIMIT:
        return catalogue.QUESTION_TOO_LONG
    if command_id in state.questions:
        return rules.DUPLICATE
    approved = actor.is_facilitator or not plenum.moderated_questions
    posted = QuestionPosted(
        at=now,
        question=command_id,
        phase=plenum.key,
        text=text,
        by=rules.actor_id(actor),
        anonymous=command.anonymous,
        approved=approved,
    )
    return [posted]


def _moderate(
    state: QuestionsState,
    command: ApproveQuestion | HideQuestion | UnhideQuestion | MarkAnswered | ShowQuestion,
    actor: Actor,
    now: datetime,
) -> list[QuestionEvent] | Refusal:
    """The facilitator's: in any status and phase, like hiding an idea."""
    if not actor.is_facilitator:
        return rules.FORBIDDEN
    key = command.question
    if key is None:  # nothing on the wall
        return rules.UNCHANGED if state.wall is None else [QuestionShown(at=now, question=None)]
    question = state.questions.get(key)
    if question is None:
        return NO_QUESTION
    event: QuestionEvent
    match command:
        case ApproveQuestion():
            done, event = question.approved, QuestionApproved(at=now, question=key)
        case HideQuestion():
            done, event = question.hidden, QuestionHidden(at=now, question=key)
        case UnhideQuestion():
            done, event = not question.hidden, QuestionUnhidden(at=now, question=key)
        case MarkAnswered(answered=answered):
            done = question.answered is answered
            event = QuestionAnswered(at=now, question=key, answered=answered)
        case ShowQuestion():
            if not question.approved or question.hidden:
                return NOT_APPROVED
            done, event = state.wall == key, QuestionShown(at=now, question=key)
    return rules.UNCHANGED if done else [event]
