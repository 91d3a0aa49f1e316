"""The board as each role sees it: which ideas, whose names, which counts.

What a role may see is ``core.visibility``'s to say. A page's view depends only on (role,
group, language), so one rendering serves every phone in the same group: it is built for the
role, never for one person, and what is personal (my votes, my ideas) travels separately.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from facilitator.agenda import Agenda, GroupWorkPhase, Phase, VotePhase
from facilitator.core import board_rules as rules
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board import BoardState, Idea, Member, Theme
from facilitator.core.groups import group_number
from facilitator.core.machine import Status
from facilitator.core.visibility import Sight
from facilitator.core.workshop import WorkshopState
from facilitator.web.views.board_items import idea_items
from facilitator.web.views.memo import Memo, ReprOnce

T = TypeVar("T")


@dataclass(frozen=True, repr=False)
class IdeaRow(ReprOnce):  # kept by identity (``_rows``): its repr, a fingerprint's part, once
    id: str
    text: str
    author: str | None  # a name, or None when the viewer may not know it
    author_id: str | None  # the member behind that name
    group: str | None
    theme: str | None
    theme_name: str | None
    votes: int | None  # None: not revealed to this viewer
    hidden: bool
    parts: tuple[str, ...] = ()  # ideas merged into this one, shown where moderation is


def can_post(phase: Phase | None, viewer: Actor) -> bool:
    """Whether the phase takes this viewer's ideas: the core's own rule, a pause aside."""
    if phase is None or rules.writable_board(phase) is None:
        return False
    return viewer.is_facilitator or rules.may_contribute(phase, viewer, paused=False) is None


def view_group(state: WorkshopState, agenda: Agenda, viewer: Actor) -> str | None:
    """The group whose section this viewer sees in the current phase (None: all groups)."""
    phase = state.current_phase(agenda)
    if phase is None or viewer.participant_id is None or not isinstance(phase, GroupWorkPhase):
        return None
    return state.board.group_of(phase.key, viewer.participant_id)


def shown_phase(state: WorkshopState, agenda: Agenda) -> Phase | None:
    """The phase whose board the screens show: the one under way, or after the end the last
    one that had a board with ideas on it (an ended workshop's boards stay to be seen)."""
    phase = state.current_phase(agenda)
    if phase is not None or state.machine.status is not Status.ENDED:
        return phase
    used = {idea.board for idea in state.board.ideas.values()}
    return next(
        (p for p in reversed(agenda.phases) if (board := rules.shown_board(p)) and board in used),
        None,
    )


def board_context(
    state: WorkshopState,
    agenda: Agenda,
    viewer: Actor,
    group: str | None,
    whole: WholeBoard | None = None,
) -> dict[str, Any]:
    """The board as the viewer's role sees it; ``group`` narrows it to one group's ideas (a
    phone in group work), None shows every group. ``whole`` is ``whole_board`` for this
    state and role, if the caller has it already (one per change, not one per group)."""
    whole = whole or whole_board(state, agenda, viewer)
    if group is None:
        return dict(whole.context)
    return whole.context | group_board(whole, group)


def group_board(whole: WholeBoard, group: str) -> dict[str, Any]:
    """What narrows ``whole`` to one group's board: the keys of its context that differ."""
    shown = whole.rows_of(group)
    placed = whole.placed_groups
    return {
        "ideas": shown,
        "groups": placed or sorted({r.group for r in shown if r.group}, key=group_order),
        "ungrouped": bool(placed) and any(r.group is None for r in shown),
        "my_group": group,
        "my_group_number": group_number(group),  # as every screen names it
    }


@dataclass(frozen=True)
class WholeBoard:
    """The board with every group on it, and the groups the current phase placed people in."""

    context: dict[str, Any]
    placed_groups: list[str]
    # Group → its rows of ``context["ideas"]``, in order: each group's board is looked up,
    # not filtered from every idea (200 groups × 1,000 ideas on every change).
    rows_by_group: dict[str | None, list[IdeaRow]]

    def rows_of(self, group: str) -> list[IdeaRow]:
        return list(self.rows_by_group.get(group, ()))


def whole_board(state: WorkshopState, agenda: Agenda, viewer: Actor) -> WholeBoard:
    """The board as the viewer's role sees it, every group on it.

    In a phase that takes ideas, ``ideas`` are the ones posted in it (each in its author's
    group: core.board_state) and ``earlier_ideas`` those of earlier phases on the same
    board; in a vote phase every idea of the board is in ``ideas``. After the end the last
    board stays, read-only (``ended``)."""
    sight = visibility.of(Actor(viewer.role))  # the role's view: nothing personal
    # Every role but the facilitator's sees the board alike (``Sight.everything``), so the
    # phones and the wall share one board per change; only whether they may post differs.
    whole = _boards.get(
        sight.everything,
        (state.board, state.machine, agenda),
        lambda: _whole_board(state, agenda, sight),
    )
    ended = whole.context["ended"]
    phase = shown_phase(state, agenda)
    may_post = not ended and can_post(phase, viewer)
    if whole.context["can_post"] == may_post:
        return whole
    return dataclasses.replace(whole, context={**whole.context, "can_post": may_post})


_boards: Memo[WholeBoard] = Memo(64)  # a change's boards, kept while its roles are told


def _whole_board(state: WorkshopState, agenda: Agenda, sight: Sight) -> WholeBoard:
    board = state.board
    ended = state.machine.status is Status.ENDED
    phase = shown_phase(state, agenda)
    key = rules.shown_board(phase)
    tally: dict[str, int] | None = None
    vote: dict[str, Any] | None = None
    if isinstance(phase, VotePhase):
        tally = sight.tally(board, phase.key)
        revealed = phase.key in board.revealed
        vote = (
            None
            if ended and not revealed
            else {
                "phase": phase.key,
                "budget": phase.votes_per_person,
                "max_per_idea": phase.max_per_idea,
                "revealed": revealed or ended,
            }
        )
    seen = [] if key is None else sight.ideas(board, key)
    parts: dict[str, tuple[str, ...]] = {}
    for idea in seen:
        if idea.merged_into is not None:
            parts[idea.merged_into] = (*parts.get(idea.merged_into, ()), idea.id)
    # Merged ideas are part of their target: they are shown (to moderators) within it.
    standing = [idea for idea in seen if idea.merged_into is None]
    posting = phase is not None and rules.writable_board(phase) is not None
    ideas = [i for i in standing if i.phase == phase.key] if posting and phase else standing
    taken = {i.id for i in ideas}  # a set: a list here made every render quadratic
    earlier = [i for i in standing if i.id not in taken]

    rows = _rows_maker(board, sight, tally, parts)

    groups, members = _members.get(
        None, (board.groups, board.members, phase), lambda: _group_members(board, phase)
    )
    shown = rows(ideas)
    context = {
        "board_key": key,
        "ideas": shown,
        "earlier_ideas": rows(earlier),
        "groups": groups or sorted({r.group for r in shown if r.group}, key=group_order),
        "group_members": members,  # group → its members' names, for the wall's columns
        "ungrouped": bool(groups) and any(r.group is None for r in shown),
        "themes": [] if key is None else list(board.themes_of(key)),
        "vote": vote,
        "my_group": None,
        "my_group_number": None,
        "can_post": False,  # the viewer's: ``whole_board``
        "anonymous_phase": bool(getattr(phase, "anonymous", False)),
        "ended": ended,
        "idea_items": idea_items,  # each idea's item kept (fragments/board.html)
    }
    return WholeBoard(context, groups, by_group(shown, lambda row: row.group))


# The groups and their members' names: made again when people or groups change, not per idea.
_members: Memo[tuple[list[str], dict[str, list[str]]]] = Memo(256)


def _group_members(
    board: BoardState, phase: Phase | None
) -> tuple[list[str], dict[str, list[str]]]:
    """The groups the phase placed people in, in order, and each group's members' names."""
    placed = board.groups.get(phase.key, {}) if isinstance(phase, GroupWorkPhase) else {}
    groups = sorted(set(placed.values()), key=group_order)
    placed_members = by_group((pid for pid in placed if pid in board.members), placed.__getitem__)
    return groups, {
        g: [board.members[pid].name for pid in placed_members.get(g, ())] for g in groups
    }


# Each idea's row, kept while the idea, its author and its theme are the same objects: a post
# makes one row, and the rows of an unchanged group are the very objects of the last change
# (so are the console's cards made from them: ``console._card``). Every role but the
# facilitator's sees an idea alike (``Sight.everything``), so their rows are shared.
ROWS = 20_000
_rows: Memo[IdeaRow] = Memo(ROWS)


def _rows_maker(
    board: BoardState,
    sight: Sight,
    tally: dict[str, int] | None,
    parts: dict[str, tuple[str, ...]],
) -> Callable[[list[Idea]], list[IdeaRow]]:
    """``rows(ideas)``: each idea's row, kept or made now. One loop with its look-ups bound
    once: it runs for every idea twice a change (1.4 µs an idea as a call per row)."""
    everything = sight.everything
    members, themes, kept = board.members.get, board.themes.get, _rows.get
    no_parts: tuple[str, ...] = ()

    def rows(chosen: list[Idea]) -> list[IdeaRow]:
        made = []
        for idea in chosen:
            votes = None if tally is None else tally.get(idea.id, 0)
            member = members(idea.author)
            theme = themes(idea.theme) if idea.theme else None
            merged = parts.get(idea.id, no_parts) if parts else no_parts
            made.append(
                kept(
                    (everything, votes, merged),
                    (idea, member, theme),
                    functools.partial(_make_row, idea, sight, member, theme, votes, merged),
                )
            )
        return made

    return rows


def _make_row(
    idea: Idea,
    sight: Sight,
    member: Member | None,
    theme: Theme | None,
    votes: int | None,
    parts: tuple[str, ...],
) -> IdeaRow:
    author_id = sight.author(idea)
    if author_id is None:
        member = None
    return IdeaRow(
        id=idea.id,
        text=idea.text,
        author=member.name if member else None,
        author_id=author_id,
        group=idea.group,
        theme=idea.theme,
        theme_name=theme.name if theme else None,
        votes=votes,
        hidden=idea.hidden,
        parts=parts,
    )


def by_group(items: Iterable[T], group_of: Callable[[T], str | None]) -> dict[str | None, list[T]]:
    """The items by their group, each group's in their order, in one pass (a comprehension
    per group over every item was quadratic: 200 groups × 1,000 people on every change)."""
    found: dict[str | None, list[T]] = {}
    for item in items:
        found.setdefault(group_of(item), []).append(item)
    return found


def group_order(group: str) -> tuple[int, str]:
    """Groups in their number's order (g2 before g10), the one order every screen uses."""
    digits = "".join(ch for ch in group if ch.isdigit())
    return (int(digits) if digits else 0, group)


def personal(
    state: WorkshopState, agenda: Agenda, viewer: Actor, own: Sequence[Idea]
) -> dict[str, Any]:
    """What only this person sees: their votes and their own ideas (``own``: the ideas they
    wrote, in the board's order; sent as JSON)."""
    phase = state.current_phase(agenda)
    pid = viewer.participant_id
    mine = [idea.id for idea in own]
    result: dict[str, Any] = {"type": "mine", "ideas": mine, "votes": {}, "left": None}
    if isinstance(phase, VotePhase) and pid is not None:
        result["votes"] = dict(state.board.votes_of(phase.key, pid))
        result["left"] = state.board.votes_left(phase.key, pid, phase.votes_per_person)
        result["budget"] = phase.votes_per_person
    return result
