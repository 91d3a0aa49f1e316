"""The service pulse as a programme defines it: once, so every measurement asks the same.

A pulse is a few items on the 1–5 satisfaction scale of the Danish business-climate surveys,
optionally a 0–10 recommend question, and an open "why?". Its measurements are the fixed
points of the programme where it is taken (a ``pulse`` phase names one). Results are shown
only once at least ``minimum_answers`` people have answered.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ._base import Frozen, Slug, Text

SCALE = (1, 5)  # the satisfaction scale, "meget utilfreds" (1) … "meget tilfreds" (5)
RECOMMEND = (0, 10)  # promoters 9–10, passives 7–8, detractors 0–6


class Reference(Frozen):
    """A value from outside the programme (say, the last business-climate survey's mean),
    shown beside the results and always labelled as external."""

    value: Annotated[float, Field(ge=SCALE[0], le=SCALE[1])]
    label: Text  # where it comes from, e.g. "Erhvervsklimamåling 2025"


class PulseItem(Frozen):
    key: Slug
    text: Text
    reference: Reference | None = None


class Recommend(Frozen):
    """The 0–10 question, with the words at its ends."""

    question: Text
    low: Text
    high: Text


class Measurement(Frozen):
    """One fixed point of the programme; ``compare_to`` names an earlier one to show the
    change from."""

    key: Slug
    title: Text
    compare_to: Slug | None = None


class Pulse(Frozen):
    intro: Text | None = None
    scale: Annotated[tuple[Text, ...], Field(min_length=5, max_length=5)]  # the labels of 1…5
    items: Annotated[tuple[PulseItem, ...], Field(min_length=1, max_length=5)]
    recommend: Recommend | None = None
    why: Text
    minimum_answers: Annotated[int, Field(strict=True, ge=3, le=100)] = 5
    measurements: Annotated[tuple[Measurement, ...], Field(min_length=1, max_length=12)]

    def measurement(self, key: str) -> Measurement | None:
        return next((m for m in self.measurements if m.key == key), None)

    def item(self, key: str) -> PulseItem | None:
        return next((i for i in self.items if i.key == key), None)
