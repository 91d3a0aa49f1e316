"""The board's rules: who may post, edit, moderate, theme, vote and group, and when.

Pure like the agenda machine: the current phase, the clock and the new thing's id (the
command's client-made id) are arguments, so deciding twice gives the same events. Every rule is
checked here, for commands no honest screen would send as much as for the ones it does.

While a phase is paused, posting and voting are refused to everyone but the facilitator: a pause
stops the phase's clock, so work that went on through it would get time the others did not.
Editing, deleting and moderating go on, because fixing what is there is what a pause is for.
"""

from __future__ import annotations

from datetime import datetime

from facilitator.agenda import GroupWorkPhase, Phase, Role, VotePhase
from facilitator.core import board_rules as rules
from facilitator.core import people
from facilitator.core.actors import Actor
from facilitator.core.board_messages import (
    AnonymiseParticipant,
    AssignTheme,
    BoardCommand,
    BoardEvent,
    CreateTheme,
    DeleteIdea,
    EditIdea,
    FormGroups,
    GroupsFormed,
    HideIdea,
    IdeaDeleted,
    IdeaEdited,
    IdeaHidden,
    IdeaPosted,
    IdeasMerged,
    IdeaThemed,
    IdeaUnhidden,
    Join,
    MergeIdeas,
    MoveParticipant,
    ParticipantAnonymised,
    ParticipantMoved,
    PostIdea,
    RenameTheme,
    RevealVotes,
    ThemeCreated,
    ThemeRenamed,
    UnhideIdea,
    Unvote,
    Vote,
    VoteCast,
    VotesRevealed,
    VoteWithdrawn,
)
from facilitator.core.board_state import BoardState, Idea, Member, Theme, evolve
from facilitator.core.errors import Refusal
from facilitator.core.groups import form_groups, group_number

__all__ = ["BoardState", "Idea", "Member", "Theme", "decide", "evolve"]

_FACILITATOR_ONLY = (
    HideIdea,
    UnhideIdea,
    MergeIdeas,
    CreateTheme,
    RenameTheme,
    AssignTheme,
    RevealVotes,
    FormGroups,
    MoveParticipant,
    AnonymiseParticipant,
)


def decide(
    state: BoardState,
    phase: Phase | None,
    command: BoardCommand,
    actor: Actor,
    now: datetime,
    command_id: str,
    *,
    paused: bool = False,
) -> list[BoardEvent] | Refusal:
    """The events a command causes, or why it is refused.

    ``phase`` is the agenda's current phase while the workshop runs or is paused (then
    ``paused`` is true), None in the lobby and after the end; ``command_id`` becomes the id of
    whatever the command creates.
    """
    if actor.role is Role.PROJECTOR:
        return rules.READ_ONLY
    if isinstance(command, Join):
        return people.join(state, command, actor, now, command_id)
    if not actor.is_facilitator and actor.participant_id not in state.members:
        return rules.NOT_JOINED
    if isinstance(command, _FACILITATOR_ONLY) and not actor.is_facilitator:
        return rules.FORBIDDEN
    me = rules.actor_id(actor)
    match command:
        case PostIdea():
            return _post(state, phase, command, actor, now, command_id, paused)
        case EditIdea(idea=key, text=raw):
            mine = rules.own_idea(state, phase, key, actor)
            if isinstance(mine, Refusal):
                return mine
            text = raw.strip()
            if refusal := rules.idea_text(text):
                return refusal
            if text == mine.text:
                return rules.UNCHANGED
            return [IdeaEdited(at=now, idea=key, text=text, by=me)]
        case DeleteIdea(idea=key):
            mine = rules.own_idea(state, phase, key, actor)
            if isinstance(mine, Refusal):
                return mine
            return [IdeaDeleted(at=now, idea=key, by=me)]
        case HideIdea(idea=key) | UnhideIdea(idea=key):
            idea = rules.idea_for(state, key, actor)
            hide = isinstance(command, HideIdea)
            if idea is None:
                return rules.NO_IDEA
            if idea.hidden is hide:
                return rules.UNCHANGED
            return [IdeaHidden(at=now, idea=key) if hide else IdeaUnhidden(at=now, idea=key)]
        case MergeIdeas(source=source, target=target):
            return _merge(state, source, target, actor, now)
        case CreateTheme() | RenameTheme():
            return _name_theme(state, phase, command, now, command_id)
        case AssignTheme(idea=key, theme=theme_key):
            idea = rules.idea_for(state, key, actor)
            if idea is None:
                return rules.NO_IDEA
            theme = None if theme_key is None else state.themes.get(theme_key)
            if theme_key is not None and theme is None:
                return rules.NO_THEME
            if theme is not None and theme.board != idea.board:
                return rules.THEME_ELSEWHERE
            if idea.theme == theme_key:
                return rules.UNCHANGED
            return [IdeaThemed(at=now, idea=key, theme=theme_key)]
        case Vote() | Unvote():
            return _vote(state, phase, command, actor, now, paused)
        case RevealVotes():
            if phase is None:
                return rules.NOT_RUNNING
            if not isinstance(phase, VotePhase):
                return rules.NOT_VOTING
            if phase.key in state.revealed:
                return rules.VOTES_ALREADY_REVEALED
            return [VotesRevealed(at=now, phase=phase.key)]
        case FormGroups(seed=seed, guests=guests):
            if phase is None:
                return rules.NOT_RUNNING
            if not isinstance(phase, GroupWorkPhase):
                return rules.NOT_GROUP_WORK
            # Guests are not staff: they join a group only when the facilitator says so.
            present = [
                m
                for m in state.members.values()
                if (Role(m.role) in phase.actors and not m.guest) or (m.guest and guests)
            ]
            if not present:
                return rules.NOBODY
            groups = form_groups(present, phase.group_size, phase.mix_by, seed)
            return [GroupsFormed(at=now, phase=phase.key, groups=groups)]
        case MoveParticipant(participant=pid, group=group):
            return _move(state, phase, pid, group, now)
        case AnonymiseParticipant(participant=pid):
            if pid not in state.members:
                return rules.NO_PARTICIPANT
            if state.members[pid].anonymised:
                return rules.UNCHANGED
            return [ParticipantAnonymised(at=now, participant=pid)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _post(
    state: BoardState,
    phase: Phase | None,
    command: PostIdea,
    actor: Actor,
    now: datetime,
    command_id: str,
    paused: bool,
) -> list[BoardEvent] | Refusal:
    if phase is None:
        return rules.NOT_RUNNING
    board = rules.writable_board(phase)
    if board is None:
        return rules.NO_BOARD
    # The facilitator may always post: to note what the room says, even during a pause. A
    # guest the facilitator placed in a group works with it.
    placed = actor.role is Role.GUEST and state.group_of(phase.key, rules.actor_id(actor))
    if placed and paused:
        return rules.PAUSED
    if not (actor.is_facilitator or placed) and (
        refusal := people.takes_part(phase, actor, paused)
    ):
        return refusal
    text = command.text.strip()
    if refusal := rules.idea_text(text):
        return refusal
    if command_id in state.ideas:
        return rules.DUPLICATE
    author = rules.actor_id(actor)
    # The phase's anonymity binds everyone; where it is not required, a rules.person may choose it.
    anonymous = command.anonymous or (isinstance(phase, GroupWorkPhase) and phase.anonymous)
    posted = IdeaPosted(
        at=now,
        idea=command_id,
        board=board,
        group=state.group_of(phase.key, author),
        author=author,
        text=text,
        anonymous=anonymous,
        phase=phase.key,
    )
    return [posted]


def _vote(
    state: BoardState,
    phase: Phase | None,
    command: Vote | Unvote,
    actor: Actor,
    now: datetime,
    paused: bool,
) -> list[BoardEvent] | Refusal:
    if phase is None:
        return rules.NOT_RUNNING
    if not isinstance(phase, VotePhase):
        return rules.NOT_VOTING
    # Unlike posting, the facilitator votes only where the agenda lists them among the actors.
    if refusal := people.takes_part(phase, actor, paused and not actor.is_facilitator):
        return refusal
    if phase.key in state.revealed:
        return rules.VOTING_CLOSED
    voter = rules.actor_id(actor)
    mine = state.votes_of(phase.key, voter)
    idea = state.ideas.get(command.idea)
    if idea is None or idea.merged_into is not None:
        return rules.NO_IDEA
    if isinstance(command, Unvote):
        # Withdrawing works on an idea hidden since the vote, so no vote is ever stuck.
        if not mine.get(idea.id):
            return rules.NOT_VOTED
        return [VoteWithdrawn(at=now, phase=phase.key, idea=idea.id, voter=voter)]
    if idea.hidden:
        return rules.NO_IDEA
    if idea.board != phase.board:
        return rules.NOT_ON_BOARD
    if sum(mine.values()) >= phase.votes_per_person:
        return rules.no_votes_left(phase.votes_per_person)
    if mine.get(idea.id, 0) >= phase.max_per_idea:
        return rules.idea_limit(phase.max_per_idea)
    return [VoteCast(at=now, phase=phase.key, idea=idea.id, voter=voter)]


def _merge(
    state: BoardState, source_key: str, target_key: str, actor: Actor, now: datetime
) -> list[BoardEvent] | Refusal:
    source = rules.idea_for(state, source_key, actor)
    target = rules.idea_for(state, target_key, actor)
    if source is None or target is None:
        return rules.NO_IDEA
    if source.id == target.id:
        return rules.SAME_IDEA
    if source.board != target.board:
        return rules.BOARDS_DIFFER
    moved = sum(
        ballot.get(source.id, 0) for voters in state.votes.values() for ballot in voters.values()
    )
    return [IdeasMerged(at=now, source=source.id, target=target.id, votes_moved=moved)]


def _name_theme(
    state: BoardState,
    phase: Phase | None,
    command: CreateTheme | RenameTheme,
    now: datetime,
    command_id: str,
) -> list[BoardEvent] | Refusal:
    existing: Theme | None = None
    if isinstance(command, RenameTheme):
        existing = state.themes.get(command.theme)
        if existing is None:
            return rules.NO_THEME
        board: str | None = existing.board
    else:
        board = command.board or rules.shown_board(phase)
    if board is None:
        return rules.NO_BOARD
    name = command.name.strip()
    if refusal := rules.theme_name(name):
        return refusal
    if existing is not None and existing.name == name:
        return rules.UNCHANGED
    # Names are unique per board regardless of case; a theme may change its own name's case.
    for other in state.themes_of(board):
        if other != existing and other.name.casefold() == name.casefold():
            return rules.theme_exists(name)
    if existing is not None:
        return [ThemeRenamed(at=now, theme=existing.id, name=name)]
    if command_id in state.themes:
        return rules.DUPLICATE
    return [ThemeCreated(at=now, theme=command_id, board=board, name=name)]


def _move(
    state: BoardState, phase: Phase | None, pid: str, group: str, now: datetime
) -> list[BoardEvent] | Refusal:
    if phase is None:
        return rules.NOT_RUNNING
    if not isinstance(phase, GroupWorkPhase):
        return rules.NOT_GROUP_WORK
    if pid not in state.members:
        return rules.NO_PARTICIPANT
    placed = state.groups.get(phase.key)
    if placed is None:
        return rules.NO_GROUPS
    # A group typed as people see it: "G3" (the console's lists), "3" (the wall, the phones).
    typed = group.strip()
    group = next((g for g in set(placed.values()) if _names(g, typed)), "")
    if not group:
        return rules.no_group(typed)
    if placed.get(pid) == group:
        return rules.UNCHANGED
    return [ParticipantMoved(at=now, participant=pid, group=group, phase=phase.key)]


def _names(group: str, typed: str) -> bool:
    """Whether ``typed`` names ``group``: its id in any case, or its number."""
    return typed.casefold() in (group.casefold(), group_number(group).casefold())
