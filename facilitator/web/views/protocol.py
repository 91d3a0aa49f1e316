"""The JSON face of a workshop, per role: snapshots and events with what a role may not see
removed before anything is sent (never merely hidden by the client). What that is, is
``core.visibility``'s to say.

An event a role may not see at all is sent as ``null`` with its seq, so the client's
sequence stays gap-free and a gap still means "resync".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from typing_extensions import TypeIs

from facilitator.agenda import Agenda, Role, VotePhase
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board import BoardState, Idea
from facilitator.core.board_messages import (
    IdeaDeleted,
    IdeaEdited,
    IdeaPosted,
    IdeasMerged,
    IdeaUnhidden,
    VoteCast,
    VotesRevealed,
    VoteWithdrawn,
)
from facilitator.core.catalogue import CatalogueState, Entry, Question
from facilitator.core.catalogue_messages import (
    CatalogueEvent,
    CatalogueImported,
    DecisionRevealed,
    EntryTriaged,
    QuestionAsked,
    ReactionToggled,
)
from facilitator.core.visibility import Sight
from facilitator.core.workshop import Event, WorkshopState
from facilitator.web.views import plenum

_CATALOGUE_EVENTS: tuple[type, ...] = CatalogueEvent.__args__


def _of_catalogue(event: Event) -> TypeIs[CatalogueEvent]:
    return isinstance(event, _CATALOGUE_EVENTS)


_DECISION = ("verdict", "priority", "owner", "timeline", "rationale")


def entry_view(entry: Entry, sight: Sight) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": entry.id,
        "text": entry.text,
        "origin": entry.origin,
        "group": entry.group,
        "votes": entry.votes,
        "theme": entry.theme,
        "revealed": entry.revealed,
    }
    if sight.decision(entry):
        view |= {name: getattr(entry, name) for name in _DECISION}
    if sight.drafts:
        view["history"] = [
            {"field": c.field, "value": c.value, "by": c.by, "at": c.at.isoformat()}
            for c in entry.history
        ]
    return view


def catalogue_view(state: CatalogueState, sight: Sight) -> dict[str, Any]:
    return {
        "entries": [entry_view(e, sight) for e in state.entries.values()],
        "revealed_order": list(state.revealed_order),
        "reactions": {key: state.reaction_counts(key) for key in state.revealed_order},
        "questions": [_question_view(q, sight) for q in state.questions],
    }


def _question_view(question: Question, sight: Sight) -> dict[str, Any]:
    view = {
        "id": question.id,
        "entry": question.entry,
        "text": question.text,
        "at": question.at.isoformat(),
    }
    asker = sight.asker(question)
    return view if asker is None else view | {"by": asker}


def idea_view(idea: Idea, sight: Sight) -> dict[str, Any]:
    view = {
        "id": idea.id,
        "board": idea.board,
        "group": idea.group,
        "author": sight.author(idea),
        "mine": sight.mine(idea),
        "text": idea.text,
        "anonymous": idea.anonymous,
        "theme": idea.theme,
        "phase": idea.phase,
        "posted_at": idea.posted_at.isoformat(),
    }
    if sight.moderation:
        view |= {"hidden": idea.hidden, "merged_into": idea.merged_into}
    return view


def snapshot(
    state: WorkshopState, agenda: Agenda, viewer: Actor, now: datetime, seq: int
) -> dict[str, Any]:
    machine, board = state.machine, state.board
    phase = state.current_phase(agenda)
    sight = visibility.of(viewer)
    deadline = machine.deadline()
    return {
        "seq": seq,
        "status": machine.status.value,
        "phase": None
        if phase is None
        else {"index": machine.phase, "key": phase.key, "kind": phase.kind.value},
        "clock": {
            "server_now": now.isoformat(),
            "deadline": deadline.isoformat() if deadline else None,
            "time_left": machine.time_left(now),
        },
        "members": [
            {"id": m.id, "name": m.name, "department": m.department, "role": m.role}
            for m in board.members.values()
        ],
        "groups": {key: dict(groups) for key, groups in board.groups.items()},
        "ideas": [idea_view(idea, sight) for idea in sight.ideas(board)],
        "themes": [{"id": t.id, "board": t.board, "name": t.name} for t in board.themes.values()],
        "votes": _votes(board, agenda, sight),
        "catalogue": catalogue_view(state.catalogue, sight),
        "plenum": plenum.plenum_view(state, sight),
        "polls": plenum.polls_view(state, agenda, sight),
        "pulse": plenum.pulse_view(state, agenda, sight),
    }


def _votes(board: BoardState, agenda: Agenda, sight: Sight) -> dict[str, Any]:
    """Per vote phase: my votes and what is left; the tally once the viewer may see it."""
    viewer = sight.viewer
    result: dict[str, Any] = {}
    for phase in agenda.phases:
        if not isinstance(phase, VotePhase):
            continue
        revealed = phase.key in board.revealed
        entry: dict[str, Any] = {"revealed": revealed, "budget": phase.votes_per_person}
        if viewer.participant_id is not None:
            mine = board.votes_of(phase.key, viewer.participant_id)
            entry["mine"] = dict(mine)
            entry["left"] = board.votes_left(
                phase.key, viewer.participant_id, phase.votes_per_person
            )
        tally = sight.tally(board, phase.key)
        if tally is not None:
            entry["tally"] = tally
        result[phase.key] = entry
    return result


def redact(event: Event, viewer: Actor, state: WorkshopState) -> dict[str, Any] | None:
    """The event as this viewer may see it, or None if it may not see it at all.

    ``state`` is the room's state now (at sending), so an idea hidden since the event is
    never revealed to a client that catches up later.
    """
    sight = visibility.of(viewer)
    data = event.model_dump(mode="json")
    if _of_catalogue(event):
        return _redact_catalogue(event, data, sight, state)
    if plenum.ours(event):
        return plenum.redact(event, data, sight, state)
    board = state.board
    match event:
        case VoteCast(voter=voter) | VoteWithdrawn(voter=voter):
            return data if sight.ballot(voter) else None
        case IdeaPosted(idea=key) | IdeaEdited(idea=key) if _unseen(sight, state, key):
            # Hidden (or merged) since: a client catching up never sees its text.
            return None
        case IdeaPosted(author=author, anonymous=anonymous):
            return data if sight.knows_author(author, anonymous) else data | {"author": None}
        case IdeaEdited() | IdeaDeleted() if not sight.moderation:
            return {k: v for k, v in data.items() if k != "by"}
        case IdeasMerged() if not sight.moderation:
            return {k: v for k, v in data.items() if k != "votes_moved"}
        case VotesRevealed(phase=phase):
            return data | {"tally": sight.tally(board, phase)}
        case IdeaUnhidden() if sight.moderation:
            return data
        case IdeaUnhidden(idea=key) if not _unseen(sight, state, key):
            # Unhiding brings an idea back: participants need its content, not just its id.
            idea = board.ideas.get(key)
            return data | {"view": idea_view(idea, sight) if idea else None}
        case IdeaUnhidden():
            return None  # hidden again since: nothing to bring back
    return data


def _unseen(sight: Sight, state: WorkshopState, key: str) -> bool:
    """Whether an idea that is still on the board is one this viewer may not see."""
    idea = state.board.ideas.get(key)
    return idea is not None and not sight.idea(idea)


def _redact_catalogue(
    event: CatalogueEvent, data: dict[str, Any], sight: Sight, state: WorkshopState
) -> dict[str, Any] | None:
    """Drafts stay with the leaders until the panel reveals them, one decision at a time."""
    match event:
        case CatalogueImported():
            entries = [state.catalogue.entries.get(item.id) for item in event.entries]
            return data | {"entries": [entry_view(e, sight) for e in entries if e]}
        case EntryTriaged() if not sight.drafts:
            return None
        case DecisionRevealed(entry=key):
            entry = state.catalogue.entries.get(key)
            return data | {"view": entry_view(entry, sight) if entry else None}
        case ReactionToggled() | QuestionAsked() if not sight.askers:
            return {k: v for k, v in data.items() if k != "by"}
    return data


_PERSONAL = frozenset({VoteCast, VoteWithdrawn, IdeaUnhidden, *plenum.PERSONAL})


def audience(event: Event, viewer: Actor) -> tuple[str, ...]:
    """Who sees this event the same way: the role, plus the person where it is personal.

    One redaction and one JSON encoding then serve every socket of that audience. (Asked
    for every socket and event, so it compares types instead of walking isinstance.)
    """
    kind = type(event)
    personal = kind in _PERSONAL or (
        kind is IdeaPosted and isinstance(event, IdeaPosted) and event.anonymous
    )
    if personal and viewer.role is not Role.FACILITATOR:
        return (viewer.role.value, viewer.participant_id or "")
    return (viewer.role.value,)
