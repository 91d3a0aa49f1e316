"""Plenum questions: the room asks and upvotes, the facilitator moderates and shows one.

(The leader panel's questions are the catalogue's: ``ask_question``/``question_asked``.) A
question's id is the command's client-made id, like an idea's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PostQuestion(_Message):
    """A question to the current plenum; ``anonymous`` where the phase allows it."""

    type: Literal["post_question"] = "post_question"
    text: str
    anonymous: bool = False


class UpvoteQuestion(_Message):
    type: Literal["upvote_question"] = "upvote_question"
    question: str


class WithdrawUpvote(_Message):
    type: Literal["withdraw_upvote"] = "withdraw_upvote"
    question: str


class ApproveQuestion(_Message):
    type: Literal["approve_question"] = "approve_question"
    question: str


class HideQuestion(_Message):
    type: Literal["hide_question"] = "hide_question"
    question: str


class UnhideQuestion(_Message):
    type: Literal["unhide_question"] = "unhide_question"
    question: str


class MarkAnswered(_Message):
    """``answered`` false takes the mark back."""

    type: Literal["mark_answered"] = "mark_answered"
    question: str
    answered: bool = True


class ShowQuestion(_Message):
    """Puts one question on the wall (``question`` None: none)."""

    type: Literal["show_question"] = "show_question"
    question: str | None


QuestionCommand = (
    PostQuestion
    | UpvoteQuestion
    | WithdrawUpvote
    | ApproveQuestion
    | HideQuestion
    | UnhideQuestion
    | MarkAnswered
    | ShowQuestion
)


class _Event(_Message):
    at: datetime


class QuestionPosted(_Event):
    """``by`` is kept for anonymous questions too (nobody may upvote their own); views hide
    it. ``approved`` is false where the phase is moderated."""

    type: Literal["question_posted"] = "question_posted"
    question: str
    phase: str
    text: str
    by: str
    anonymous: bool
    approved: bool


class QuestionUpvoted(_Event):
    type: Literal["question_upvoted"] = "question_upvoted"
    question: str
    by: str


class UpvoteWithdrawn(_Event):
    type: Literal["upvote_withdrawn"] = "upvote_withdrawn"
    question: str
    by: str


class QuestionApproved(_Event):
    type: Literal["question_approved"] = "question_approved"
    question: str


class QuestionHidden(_Event):
    """Also takes the question off the wall if it was there."""

    type: Literal["question_hidden"] = "question_hidden"
    question: str


class QuestionUnhidden(_Event):
    type: Literal["question_unhidden"] = "question_unhidden"
    question: str


class QuestionAnswered(_Event):
    type: Literal["question_answered"] = "question_answered"
    question: str
    answered: bool


class QuestionShown(_Event):
    type: Literal["question_shown"] = "question_shown"
    question: str | None


QuestionEvent = (
    QuestionPosted
    | QuestionUpvoted
    | UpvoteWithdrawn
    | QuestionApproved
    | QuestionHidden
    | QuestionUnhidden
    | QuestionAnswered
    | QuestionShown
)
