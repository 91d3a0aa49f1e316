"""The parts of a poll phase: its options and its scale."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import Frozen, Slug, Text

AnswerKind = Literal["single", "multiple", "scale", "text"]
ANSWERS = ("single", "multiple", "scale", "text")
CHOICES = ("single", "multiple")
TEXT_ANSWER_LIMIT = 200


class PollOption(Frozen):
    key: Slug
    label: Text


class Scale(Frozen):
    """A scale of whole numbers from ``min`` to ``max``, with words at its two ends."""

    min: Annotated[int, Field(strict=True, ge=0, le=10)] = 1
    max: Annotated[int, Field(strict=True, ge=0, le=10)] = 5
    low: Text
    high: Text
