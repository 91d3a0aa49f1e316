"""The board's state: members, groups, ideas, themes and votes, and how events change it.

Every mapping is read-only and ``evolve`` copies what it changes, so an old state stays valid
beside the new one (a view being rendered never sees a half-applied event). Which events a
command causes is decided in ``board``, which also re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from facilitator.core.board_messages import (
    BoardEvent,
    GroupsFormed,
    IdeaDeleted,
    IdeaEdited,
    IdeaHidden,
    IdeaPosted,
    IdeasMerged,
    IdeaThemed,
    IdeaUnhidden,
    MemberRole,
    ParticipantAnonymised,
    ParticipantJoined,
    ParticipantMoved,
    ThemeCreated,
    ThemeRenamed,
    VoteCast,
    VotesRevealed,
    VoteWithdrawn,
)
from facilitator.core.frozen import drop, frozen, put
from facilitator.core.people_messages import MemberRoleChanged, PeopleEvent, SpeakersNamed

Votes = Mapping[str, Mapping[str, Mapping[str, int]]]  # phase key → voter → idea → count


@dataclass(frozen=True)
class Idea:
    id: str
    board: str
    group: str | None
    author: str  # kept for anonymous ideas too: it decides who may edit
    text: str
    anonymous: bool
    hidden: bool
    theme: str | None
    merged_into: str | None  # always an idea that is not itself merged
    posted_at: datetime
    phase: str


@dataclass(frozen=True)
class Theme:
    id: str
    board: str
    name: str


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    department: str
    role: MemberRole  # now: a facilitator may mark a member as a guest, and back
    anonymised: bool = False
    joined_as: MemberRole | None = None  # the role they joined with, if it has changed since

    @property
    def guest(self) -> bool:
        return self.role == "guest"

    @property
    def original_role(self) -> MemberRole:
        return self.joined_as or self.role


ANONYMOUS = "Anonym"


@dataclass(frozen=True)
class BoardState:
    members: Mapping[str, Member]
    groups: Mapping[str, Mapping[str, str]]  # phase key → participant → group id
    ideas: Mapping[str, Idea]  # in the order posted
    themes: Mapping[str, Theme]
    votes: Votes
    revealed: frozenset[str]  # vote phases whose counts are public
    # plenum phase key → the members the facilitator named as its speakers
    speakers: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: frozen({}))

    @classmethod
    def empty(cls) -> BoardState:
        return cls(frozen({}), frozen({}), frozen({}), frozen({}), frozen({}), frozenset())

    def themes_of(self, board: str) -> tuple[Theme, ...]:
        return tuple(theme for theme in self.themes.values() if theme.board == board)

    def votes_of(self, phase: str, voter: str) -> Mapping[str, int]:
        return self.votes.get(phase, {}).get(voter, {})

    def votes_left(self, phase: str, voter: str, budget: int) -> int:
        return max(0, budget - sum(self.votes_of(phase, voter).values()))

    def tally(self, phase: str) -> dict[str, int]:
        """Idea → votes in a vote phase, ideas in the order posted, unvoted ideas left out."""
        totals: dict[str, int] = {}
        for ballot in self.votes.get(phase, {}).values():
            for idea, count in ballot.items():
                totals[idea] = totals.get(idea, 0) + count
        return {idea: totals[idea] for idea in self.ideas if totals.get(idea)}

    def group_of(self, phase: str, participant: str) -> str | None:
        return self.groups.get(phase, {}).get(participant)


# --- evolving ---------------------------------------------------------------------------


def evolve(state: BoardState, event: BoardEvent | PeopleEvent) -> BoardState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case MemberRoleChanged(participant=pid, role=role) if pid in state.members:
            member = state.members[pid]
            joined_as = member.original_role
            changed = replace(member, role=role, joined_as=None if role == joined_as else joined_as)
            return replace(state, members=put(state.members, pid, changed))
        case MemberRoleChanged():
            return state
        case SpeakersNamed(phase=phase, speakers=speakers):
            return replace(state, speakers=put(state.speakers, phase, speakers))
        case ParticipantAnonymised(participant=pid) if pid in state.members:
            member = replace(state.members[pid], name=ANONYMOUS, department="", anonymised=True)
            ideas = {
                key: replace(idea, anonymous=True) if idea.author == pid else idea
                for key, idea in state.ideas.items()
            }
            return replace(state, members=put(state.members, pid, member), ideas=frozen(ideas))
        case ParticipantAnonymised():
            return state
        case ParticipantJoined(participant=pid, name=name, department=department, role=role):
            member = Member(pid, name, department, role)
            return replace(state, members=put(state.members, pid, member))
        case IdeaPosted() as posted:
            idea = Idea(
                id=posted.idea,
                board=posted.board,
                group=posted.group,
                author=posted.author,
                text=posted.text,
                anonymous=posted.anonymous,
                hidden=False,
                theme=None,
                merged_into=None,
                posted_at=posted.at,
                phase=posted.phase,
            )
            return replace(state, ideas=put(state.ideas, idea.id, idea))
        case IdeaEdited(idea=idea, text=text):
            return _change_idea(state, idea, text=text)
        case IdeaHidden(idea=idea):
            return _change_idea(state, idea, hidden=True)
        case IdeaUnhidden(idea=idea):
            return _change_idea(state, idea, hidden=False)
        case IdeaThemed(idea=idea, theme=theme):
            return _change_idea(state, idea, theme=theme)
        case IdeaDeleted(idea=gone):
            # Ideas merged into it were part of it: they go too, and all their votes with them.
            doomed = {gone} | {i.id for i in state.ideas.values() if i.merged_into == gone}
            ideas = {key: idea for key, idea in state.ideas.items() if key not in doomed}
            votes = _map_ballots(
                state.votes, lambda ballot: {i: n for i, n in ballot.items() if i not in doomed}
            )
            return replace(state, ideas=frozen(ideas), votes=votes)
        case IdeasMerged(source=source, target=target):
            # Point the source's own merged ideas at the target too, so that ``merged_into``
            # always names an idea that is still on the board.
            ideas = {
                key: replace(idea, merged_into=target)
                if key == source or idea.merged_into == source
                else idea
                for key, idea in state.ideas.items()
            }
            return replace(
                state, ideas=frozen(ideas), votes=_map_ballots(state.votes, _mover(source, target))
            )
        case ThemeCreated(theme=tid, board=board, name=name):
            return replace(state, themes=put(state.themes, tid, Theme(tid, board, name)))
        case ThemeRenamed(theme=tid, name=name):
            renamed = replace(state.themes[tid], name=name)
            return replace(state, themes=put(state.themes, tid, renamed))
        case VoteCast(phase=phase, idea=idea, voter=voter):
            return replace(state, votes=_count(state.votes, phase, voter, idea, +1))
        case VoteWithdrawn(phase=phase, idea=idea, voter=voter):
            return replace(state, votes=_count(state.votes, phase, voter, idea, -1))
        case VotesRevealed(phase=phase):
            return replace(state, revealed=state.revealed | {phase})
        case GroupsFormed(phase=phase, groups=groups):
            placed = frozen({pid: group for group, pids in groups.items() for pid in pids})
            regrouped = replace(state, groups=put(state.groups, phase, placed))
            return _follow_authors(regrouped, phase, lambda author: True)
        case ParticipantMoved(participant=pid, group=group, phase=phase):
            moved = put(state.groups.get(phase, frozen({})), pid, group)
            regrouped = replace(state, groups=put(state.groups, phase, moved))
            return _follow_authors(regrouped, phase, lambda author: author == pid)
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _follow_authors(state: BoardState, phase: str, whose: Callable[[str], bool]) -> BoardState:
    """An idea of a group-work phase is in its author's group of that phase, whenever the
    groups were formed and wherever its author moved: so posting before "form groups", or
    being moved, never hides an idea from its author, the wall or the console. An author in
    no group of it (the facilitator, someone who joined later) leaves the idea in none."""
    placed = state.groups.get(phase, {})
    changed = {
        key: replace(idea, group=placed.get(idea.author))
        for key, idea in state.ideas.items()
        if idea.phase == phase and whose(idea.author) and idea.group != placed.get(idea.author)
    }
    if not changed:
        return state
    return replace(state, ideas=frozen({**state.ideas, **changed}))


def _change_idea(state: BoardState, key: str, **changes: Any) -> BoardState:
    changed = replace(state.ideas[key], **changes)
    return replace(state, ideas=put(state.ideas, key, changed))


def _count(votes: Votes, phase: str, voter: str, idea: str, delta: int) -> Votes:
    ballot = votes.get(phase, {}).get(voter, {})
    count = ballot.get(idea, 0) + delta
    changed = put(ballot, idea, count) if count > 0 else drop(ballot, idea)
    voters = put(votes.get(phase, frozen({})), voter, changed)
    return put(votes, phase, voters)


def _mover(source: str, target: str) -> Callable[[Mapping[str, int]], dict[str, int]]:
    def move(ballot: Mapping[str, int]) -> dict[str, int]:
        moved = {idea: count for idea, count in ballot.items() if idea != source}
        if ballot.get(source):
            moved[target] = moved.get(target, 0) + ballot[source]
        return moved

    return move


def _map_ballots(votes: Votes, change: Callable[[Mapping[str, int]], dict[str, int]]) -> Votes:
    return frozen(
        {
            phase: frozen({voter: frozen(change(ballot)) for voter, ballot in voters.items()})
            for phase, voters in votes.items()
        }
    )
