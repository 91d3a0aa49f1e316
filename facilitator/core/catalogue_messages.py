"""Catalogue commands and events: importing proposals, triaging them and the leader panel.

A triage value travels as it was sent (``str | int | None``): the core judges it against the
field and answers with a translatable refusal, where a schema error would reach the user as a
generic message. Imported entries come from another workshop's tables, not from a user, so
``ImportedEntry`` holds them to the same limits as triage and fails loudly if they break one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
)

PRIORITY_MAX = 999
OWNER_LIMIT = 80
RATIONALE_LIMIT = 1000
QUESTION_LIMIT = 500
# A month ("2027-03") or a quarter ("2027-Q2") of a year from 2020 to 2100.
TIMELINE_PATTERN = r"^(?:20[2-9][0-9]|2100)-(?:0[1-9]|1[0-2]|Q[1-4])$"

TriageField = Literal["verdict", "priority", "owner", "timeline", "rationale"]
Reaction = Literal["support", "question"]
# Strict, so that a JSON ``true`` or ``2.5`` is not quietly taken for a priority.
TriageValue = StrictStr | StrictInt | None


class Verdict(StrEnum):
    START_NOW = "start_now"
    CITY_COUNCIL = "city_council"
    AWAIT = "await"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImportedEntry(_Frozen):
    """A proposal as a workshop hands it on; decisions are filled in once leaders made them
    (staff day 2's panel imports what the leaders decided in their own workshop)."""

    id: Annotated[str, StringConstraints(min_length=1)]
    text: str
    origin: str  # the workshop the proposal came from
    group: str | None = None
    votes: Annotated[int, Field(ge=0)] = 0
    theme: str | None = None
    verdict: Verdict | None = None
    priority: Annotated[int, Field(strict=True, ge=1, le=PRIORITY_MAX)] | None = None
    owner: Annotated[str, StringConstraints(min_length=1, max_length=OWNER_LIMIT)] | None = None
    timeline: Annotated[str, StringConstraints(pattern=TIMELINE_PATTERN)] | None = None
    rationale: Annotated[str, StringConstraints(max_length=RATIONALE_LIMIT)] = ""


# --- commands ---------------------------------------------------------------------------


class _Command(_Frozen):
    pass


class Triage(_Command):
    """Sets one field of an entry; ``None`` clears it (the verdict excepted)."""

    type: Literal["triage"] = "triage"
    entry: str
    field: TriageField
    value: TriageValue


class RevealDecision(_Command):
    type: Literal["reveal_decision"] = "reveal_decision"
    entry: str


class React(_Command):
    """A toggle: the same reaction sent again withdraws it."""

    type: Literal["react"] = "react"
    entry: str
    reaction: Reaction


class AskQuestion(_Command):
    """A question to the panel, about one revealed entry or (``entry`` None) the whole."""

    type: Literal["ask_question"] = "ask_question"
    text: str
    entry: str | None = None


CatalogueCommand = Triage | RevealDecision | React | AskQuestion


# --- events -----------------------------------------------------------------------------


class _Event(_Frozen):
    at: datetime


class CatalogueImported(_Event):
    """``entries`` are the ones new to the catalogue, in the source's order."""

    type: Literal["catalogue_imported"] = "catalogue_imported"
    source: str
    entries: tuple[ImportedEntry, ...]


class EntryTriaged(_Event):
    """``value`` is the checked, normalised value (a verdict as its string value)."""

    type: Literal["entry_triaged"] = "entry_triaged"
    entry: str
    field: TriageField
    value: TriageValue
    by: str


class DecisionRevealed(_Event):
    type: Literal["decision_revealed"] = "decision_revealed"
    entry: str


class ReactionToggled(_Event):
    """``on`` true adds ``by``'s reaction, false withdraws it."""

    type: Literal["reaction_toggled"] = "reaction_toggled"
    entry: str
    reaction: Reaction
    by: str
    on: bool


class QuestionAsked(_Event):
    type: Literal["question_asked"] = "question_asked"
    question: str
    entry: str | None
    text: str
    by: str


CatalogueEvent = (
    CatalogueImported | EntryTriaged | DecisionRevealed | ReactionToggled | QuestionAsked
)
