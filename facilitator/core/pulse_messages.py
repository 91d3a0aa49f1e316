"""Pulse commands and events: answering the programme's service pulse, and closing a
measurement. What is asked is the agenda's ``pulse`` (the programme's one definition)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

WHY_LIMIT = 500


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnswerPulse(_Message):
    """One's answer to the measurement under way: a 1–5 score for every item (item key →
    score), the 0–10 recommend score if the pulse has one (or None to skip it), and why.
    Sent again, it replaces the earlier answer until the measurement closes."""

    type: Literal["answer_pulse"] = "answer_pulse"
    scores: Annotated[dict[str, StrictInt], Field(max_length=10)]
    recommend: StrictInt | None = None
    why: str = ""


class ClosePulse(_Message):
    """Ends the measurement under way: no more answers, and its results are shown once
    enough people have answered."""

    type: Literal["close_pulse"] = "close_pulse"


PulseCommand = AnswerPulse | ClosePulse


class _Event(_Message):
    at: datetime


class PulseAnswered(_Event):
    """``by`` is a member's id; no view sends it to anyone but that member."""

    type: Literal["pulse_answered"] = "pulse_answered"
    measurement: str
    by: str
    scores: dict[str, int]
    recommend: int | None
    why: str


class ItemResult(_Message):
    item: str
    n: int
    distribution: dict[int, int]  # every point of the scale, 1 to 5 → how many chose it
    mean: float
    spread: float  # the standard deviation (0 for a single answer)
    reference: float | None  # the item's external reference value, if the pulse gives one


class RecommendResult(_Message):
    n: int
    promoters: int  # 9–10
    passives: int  # 7–8
    detractors: int  # 0–6
    nps: int  # promoters minus detractors, in percent of n, rounded


class MeasurementResult(_Message):
    """One measurement's results (``pulse_results``): n always, the numbers only if
    ``shown``."""

    measurement: str
    answered: int  # n
    shown: bool  # closed, and at least the pulse's minimum answered
    items: tuple[ItemResult, ...] = ()  # empty unless shown
    recommend: RecommendResult | None = None
    why: tuple[str, ...] = ()  # the comments, sorted (never in the order given)


class PulseClosed(_Event):
    """``result`` is the measurement's final result: closing ends the answering."""

    type: Literal["pulse_closed"] = "pulse_closed"
    measurement: str
    result: MeasurementResult


PulseEvent = PulseAnswered | PulseClosed
