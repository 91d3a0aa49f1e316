"""The idea catalogue's rules: importing proposals, triage by the leaders, and the leader panel.

The staff's proposals from one workshop become entries of another's catalogue when a phase that
works on it begins (``on_enter``). In a leader triage phase the leaders and the facilitator set
each entry's verdict, priority, owner, timeline and rationale; in the leader panel they reveal
the decisions one by one and the room reacts and asks questions.

Leaders triage side by side, so writes to one entry are never merged or refused for being
concurrent: each field takes the last write, and every write stays in the entry's history.
Pure like the board: the phase, the clock and the command's client-made id are arguments. While
the phase is paused nothing changes the catalogue, for anyone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from facilitator.agenda import GroupWorkPhase, LeaderPanelPhase, LeaderTriagePhase, Phase, Role
from facilitator.core import board_rules as rules
from facilitator.core.actors import Actor
from facilitator.core.catalogue_messages import (
    OWNER_LIMIT,
    PRIORITY_MAX,
    QUESTION_LIMIT,
    RATIONALE_LIMIT,
    TIMELINE_PATTERN,
    AskQuestion,
    CatalogueCommand,
    CatalogueEvent,
    CatalogueImported,
    DecisionRevealed,
    EntryTriaged,
    ImportedEntry,
    QuestionAsked,
    React,
    ReactionToggled,
    RevealDecision,
    Triage,
    TriageField,
    TriageValue,
    Verdict,
)
from facilitator.core.catalogue_state import CatalogueState, Entry, Question, Revision, evolve
from facilitator.core.errors import CONFLICT, INVALID, NOT_ALLOWED, Refusal
from facilitator.core.text import storable

__all__ = [
    "CatalogueState",
    "Entry",
    "Question",
    "Revision",
    "Verdict",
    "decide",
    "evolve",
    "on_enter",
]

# Shared with the board, so one translation serves both.
READ_ONLY = rules.READ_ONLY
NOT_JOINED = rules.NOT_JOINED
NOT_RUNNING = rules.NOT_RUNNING
PAUSED = rules.PAUSED
UNCHANGED = rules.UNCHANGED
DUPLICATE = rules.DUPLICATE
BAD_CHARACTERS = rules.BAD_CHARACTERS

LEADERS_ONLY = Refusal(
    "Only the leaders and the facilitator can do that.", code="leaders_only", kind=NOT_ALLOWED
)
AUDIENCE_ONLY = Refusal(
    "Only participants and leaders react and ask questions.", code="audience_only", kind=NOT_ALLOWED
)
NOT_TRIAGE = Refusal("The leaders' triage is not under way.", code="not_triage", kind=CONFLICT)
NOT_PANEL = Refusal("The leader panel is not under way.", code="not_panel", kind=CONFLICT)
NO_ENTRY = Refusal("That proposal is not in the catalogue.", code="no_entry", kind=CONFLICT)
BAD_VERDICT = Refusal(
    "A verdict is start now, send to the city council or await.", code="bad_verdict", kind=INVALID
)
BAD_PRIORITY = Refusal(
    "A priority is a whole number from 1 to {max}.",
    {"max": PRIORITY_MAX},
    "bad_priority",
    kind=INVALID,
)
BAD_OWNER = Refusal(
    "An owner is a name of 1 to {limit} characters.",
    {"limit": OWNER_LIMIT},
    "bad_owner",
    kind=INVALID,
)
BAD_TIMELINE = Refusal(
    "A timeline is a month such as 2027-03 or a quarter such as 2027-Q2, from 2020 to 2100.",
    code="bad_timeline",
    kind=INVALID,
)
BAD_RATIONALE = Refusal(
    "A rationale is a text of at most {limit} characters.",
    {"limit": RATIONALE_LIMIT},
    "bad_rationale",
    kind=INVALID,
)
NO_VERDICT = Refusal(
    "Give the proposal a verdict before revealing it.", code="no_verdict", kind=CONFLICT
)
ALREADY_REVEALED = Refusal(
    "That decision is already revealed.", code="already_revealed", kind=CONFLICT
)
NOT_REVEALED = Refusal(
    "That decision has not been revealed yet.", code="not_revealed", kind=CONFLICT
)
EMPTY_QUESTION = Refusal(
    "Write your question before you send it.", code="empty_question", kind=INVALID
)
QUESTION_TOO_LONG = Refusal(
    "A question can be at most {limit} characters.",
    {"limit": QUESTION_LIMIT},
    "question_too_long",
    kind=INVALID,
)

_TIMELINE = re.compile(TIMELINE_PATTERN)
_VERDICTS = frozenset(verdict.value for verdict in Verdict)
_DECIDERS = (Role.LEADER, Role.FACILITATOR)
_AUDIENCE = (Role.PARTICIPANT, Role.LEADER)


def decide(
    state: CatalogueState,
    phase: Phase | None,
    command: CatalogueCommand,
    actor: Actor,
    now: datetime,
    command_id: str,
    *,
    paused: bool = False,
) -> list[CatalogueEvent] | Refusal:
    """The events a command causes, or why it is refused.

    ``phase`` is the agenda's current phase while the workshop runs or is paused (then
    ``paused`` is true), None in the lobby and after the end; ``command_id`` becomes the id of
    a question. Whether a participant id belongs to a member is the board's to know: the
    catalogue only requires that there is one.
    """
    if actor.role is Role.PROJECTOR:
        return READ_ONLY
    if not actor.is_facilitator and actor.participant_id is None:
        return NOT_JOINED
    me = rules.actor_id(actor)
    match command:
        case Triage(entry=key, field=field, value=raw):
            if actor.role not in _DECIDERS:
                return LEADERS_ONLY
            if refusal := _during(phase, LeaderTriagePhase, NOT_TRIAGE, paused):
                return refusal
            entry = state.entries.get(key)
            if entry is None:
                return NO_ENTRY
            value = _checked(field, raw)
            if isinstance(value, Refusal):
                return value
            if _current(entry, field) == value:
                return UNCHANGED
            return [EntryTriaged(at=now, entry=key, field=field, value=value, by=me)]
        case RevealDecision(entry=key):
            if actor.role not in _DECIDERS:
                return LEADERS_ONLY
            if refusal := _during(phase, LeaderPanelPhase, NOT_PANEL, paused):
                return refusal
            entry = state.entries.get(key)
            if entry is None:
                return NO_ENTRY
            if entry.verdict is None:
                return NO_VERDICT
            if entry.revealed:
                return ALREADY_REVEALED
            return [DecisionRevealed(at=now, entry=key)]
        case React(entry=key, reaction=reaction):
            if refusal := _in_the_room(state, phase, actor, key, paused):
                return refusal
            on = not state.reacted(key, reaction, me)
            return [ReactionToggled(at=now, entry=key, reaction=reaction, by=me, on=on)]
        case AskQuestion(text=raw, entry=key):
            if refusal := _in_the_room(state, phase, actor, key, paused):
                return refusal
            text = raw.strip()
            if not text:
                return EMPTY_QUESTION
            if not storable(text):
                return BAD_CHARACTERS
            if len(text) > QUESTION_LIMIT:
                return QUESTION_TOO_LONG
            if any(question.id == command_id for question in state.questions):
                return DUPLICATE
            return [QuestionAsked(at=now, question=command_id, entry=key, text=text, by=me)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def on_enter(
    state: CatalogueState,
    phase: Phase,
    sources: Mapping[str, Sequence[ImportedEntry]],
    now: datetime,
) -> list[CatalogueEvent]:
    """What entering ``phase`` does to the catalogue: a triage or panel phase, or group work
    that opens a catalogue, imports its source the first time one of them begins (if the
    source is there to import). Entries whose id the catalogue already has are left out."""
    match phase:
        case LeaderTriagePhase(catalogue=source) | LeaderPanelPhase(catalogue=source):
            pass
        case GroupWorkPhase(opens_catalogue=str() as source):
            pass
        case _:
            return []
    if source in state.imported or source not in sources:
        return []
    seen = set(state.entries)
    fresh: list[ImportedEntry] = []
    for item in sources[source]:
        if item.id not in seen:
            seen.add(item.id)
            fresh.append(item)
    return [CatalogueImported(at=now, source=source, entries=tuple(fresh))]


def _checked(field: TriageField, value: TriageValue) -> TriageValue | Refusal:
    """The value a triage write stores (texts stripped, a quarter's "q" upper-cased), or why
    it will not do. None clears a field; the verdict cannot be cleared, only changed."""
    match field:
        case "verdict":
            return value if isinstance(value, str) and value in _VERDICTS else BAD_VERDICT
        case "priority":
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int):
                return BAD_PRIORITY
            return value if 1 <= value <= PRIORITY_MAX else BAD_PRIORITY
        case "owner":
            if value is None:
                return None
            if not isinstance(value, str) or not 0 < len(value.strip()) <= OWNER_LIMIT:
                return BAD_OWNER
            return value.strip() if storable(value.strip()) else BAD_CHARACTERS
        case "timeline":
            if value is None:
                return None
            if not isinstance(value, str) or not _TIMELINE.match(value.strip().upper()):
                return BAD_TIMELINE
            return value.strip().upper()
        case "rationale":
            if value is None:
                return ""
            if not isinstance(value, str) or len(value.strip()) > RATIONALE_LIMIT:
                return BAD_RATIONALE
            return value.strip() if storable(value.strip()) else BAD_CHARACTERS
    raise AssertionError(f"unhandled field {field!r}")  # pragma: no cover


def _current(entry: Entry, field: TriageField) -> TriageValue:
    """An entry's field as a triage write would set it."""
    if field == "verdict":
        return None if entry.verdict is None else entry.verdict.value
    value: TriageValue = getattr(entry, field)
    return value


def _during(
    phase: Phase | None, kind: type[Phase], wrong_phase: Refusal, paused: bool
) -> Refusal | None:
    if phase is None:
        return NOT_RUNNING
    if not isinstance(phase, kind):
        return wrong_phase
    return PAUSED if paused else None


def _in_the_room(
    state: CatalogueState, phase: Phase | None, actor: Actor, key: str | None, paused: bool
) -> Refusal | None:
    """Why the actor may not react to or ask about entry ``key`` (None: the panel as a whole)."""
    if actor.role not in _AUDIENCE:
        return AUDIENCE_ONLY
    if refusal := _during(phase, LeaderPanelPhase, NOT_PANEL, paused):
        return refusal
    if key is None:
        return None
    entry = state.entries.get(key)
    if entry is None:
        return NO_ENTRY
    return None if entry.revealed else NOT_REVEALED
