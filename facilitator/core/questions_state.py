"""The plenum questions' state: each question, its upvoters, and the one on the wall.

Read-only like the board's: ``evolve`` copies what it changes. Which events a command causes
is decided in ``questions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from facilitator.core.frozen import frozen, put
from facilitator.core.question_messages import (
    QuestionAnswered,
    QuestionApproved,
    QuestionEvent,
    QuestionHidden,
    QuestionPosted,
    QuestionShown,
    QuestionUnhidden,
    QuestionUpvoted,
    UpvoteWithdrawn,
)


@dataclass(frozen=True)
class PlenumQuestion:
    id: str
    phase: str  # the plenum phase's key
    text: str
    by: str  # a member's id, or "facilitator"; kept for anonymous questions too
    anonymous: bool
    approved: bool
    hidden: bool
    answered: bool
    asked_at: datetime
    upvoters: frozenset[str] = frozenset()

    @property
    def votes(self) -> int:
        return len(self.upvoters)


@dataclass(frozen=True)
class QuestionsState:
    questions: Mapping[str, PlenumQuestion]  # in the order asked
    wall: str | None  # the question on the wall, if any

    @classmethod
    def empty(cls) -> QuestionsState:
        return cls(frozen({}), None)


def ranked(questions: Iterable[PlenumQuestion]) -> list[PlenumQuestion]:
    """Most upvoted first; questions with as many upvotes in the order asked."""
    return sorted(questions, key=lambda question: -question.votes)


def evolve(state: QuestionsState, event: QuestionEvent) -> QuestionsState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case QuestionPosted() as posted:
            question = PlenumQuestion(
                id=posted.question,
                phase=posted.phase,
                text=posted.text,
                by=posted.by,
                anonymous=posted.anonymous,
                approved=posted.approved,
                hidden=False,
                answered=False,
                asked_at=posted.at,
            )
            return replace(state, questions=put(state.questions, question.id, question))
        case QuestionUpvoted(question=key, by=by):
            return _change(state, key, upvoters=state.questions[key].upvoters | {by})
        case UpvoteWithdrawn(question=key, by=by):
            return _change(state, key, upvoters=state.questions[key].upvoters - {by})
        case QuestionApproved(question=key):
            return _change(state, key, approved=True)
        case QuestionHidden(question=key):
            changed = _change(state, key, hidden=True)
            return replace(changed, wall=None) if state.wall == key else changed
        case QuestionUnhidden(question=key):
            return _change(state, key, hidden=False)
        case QuestionAnswered(question=key, answered=answered):
            return _change(state, key, answered=answered)
        case QuestionShown(question=key):
            return replace(state, wall=key)
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _change(state: QuestionsState, key: str, **changes: Any) -> QuestionsState:
    changed = replace(state.questions[key], **changes)
    return replace(state, questions=put(state.questions, key, changed))
