"""Poll commands and events: answering the question a poll phase puts, and revealing it.

An answer travels as it was sent (an option key, a list of them, a whole number or a text):
the core judges it against the phase's kind of answer and answers with a translatable
refusal, where a schema error would reach the user as a generic message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

# Strict, so that a JSON ``true`` is not taken for the number 1.
PollAnswer = StrictStr | StrictInt | Annotated[tuple[StrictStr, ...], Field(max_length=20)]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnswerPoll(_Message):
    """Answers the current poll, or changes one's answer until the poll is revealed: an
    option's key (single choice), a list of keys (multiple choice), a number (scale) or a
    short text."""

    type: Literal["answer_poll"] = "answer_poll"
    answer: PollAnswer


class RevealPoll(_Message):
    """Shows the current poll's results to everyone, and closes it."""

    type: Literal["reveal_poll"] = "reveal_poll"


PollCommand = AnswerPoll | RevealPoll


class _Event(_Message):
    at: datetime


class PollAnswered(_Event):
    """``answer`` is the checked, normalised answer: a key, the keys in the options' order, a
    number, or the stripped text. It replaces the person's earlier answer."""

    type: Literal["poll_answered"] = "poll_answered"
    phase: str
    by: str
    answer: PollAnswer


class PollResults(_Message):
    """What a poll's answers add up to (``poll_state.results``)."""

    answered: int  # how many people answered
    counts: dict[str, int] | None = None  # choices: option key → people, every option, in order
    distribution: dict[int, int] | None = None  # scale: value → people, every value
    mean: float | None = None  # scale, once anyone answered
    texts: tuple[str, ...] | None = None  # free text, sorted (not in the order given)


class PollRevealed(_Event):
    """``results`` are the poll's final results: revealing closes it."""

    type: Literal["poll_revealed"] = "poll_revealed"
    phase: str
    results: PollResults


PollEvent = PollAnswered | PollRevealed
