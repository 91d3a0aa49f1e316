"""The wall's board: ideas in columns (one per group, one for ideas in no group, or plain
columns without groups), how dense their type is, and the earlier phases' ideas beside
them. Each column is kept while its rows are the very rows of before, so a post makes the
one column it lands in (``wall_columns`` renders it). Pure, as the rest of the wall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from facilitator.agenda import Agenda, GroupWorkPhase, IndividualPhase, Phase, VotePhase
from facilitator.core.groups import group_number
from facilitator.core.visibility import WALL
from facilitator.core.workshop import WorkshopState
from facilitator.web.views.board import IdeaRow, by_group, group_order
from facilitator.web.views.memo import Memo

DENSEST = 5  # the densest level the server chooses; wall.js may go two further (7)


def revealed_vote(state: WorkshopState, agenda: Agenda, board: str) -> VotePhase | None:
    """The last vote on ``board`` whose counts were revealed."""
    votes = [
        p
        for p in agenda.phases
        if isinstance(p, VotePhase) and p.board == board and p.key in state.board.revealed
    ]
    return votes[-1] if votes else None


def is_private(phase: Phase | None) -> bool:
    """An individual phase whose commitments each person sees only of their own: the wall,
    which the whole room sees, shows none of them."""
    return isinstance(phase, IndividualPhase) and phase.board is not None and not phase.shows_others


def board_columns(
    state: WorkshopState,
    agenda: Agenda,
    phase: Phase | None,
    rows: Sequence[IdeaRow],
    board: str,
    earlier: Sequence[IdeaRow] = (),
) -> dict[str, Any]:
    """Ideas in columns: one per group of the phase's grouping (its members named), one for
    ideas in no group; or, without groups, the ideas in as many columns as suit their number.
    ``earlier``: the board's ideas from earlier phases, in a column of their own after these
    (their groups were an earlier phase's, so no column of this phase's groups is theirs)."""
    placed = _grouping(state, agenda, phase, board)
    heads = _headings.get((), (placed, state.board.members), lambda: _heads(placed, state))
    group_ids = heads.groups
    if any(r.group not in heads.names for r in rows if r.group):  # posted, then moved
        group_ids = sorted({*group_ids, *(r.group for r in rows if r.group)}, key=group_order)
    columns: list[dict[str, Any]] = []
    if group_ids:
        rows_of = by_group(rows, lambda row: row.group)
        for group in group_ids:
            names = heads.names.get(group, ())
            columns.append(_column(group, group_number(group), names, rows_of.get(group, ())))
        shown = set(group_ids)
        loose = [r for r in rows if r.group not in shown]
        if loose:
            columns.append(_column("none", None, (), loose))
        layout = "groups"
        longest_group = max((len(c["ideas"]) for c in columns[: len(group_ids)]), default=0)
        narrow = bool(loose) and 2 * len(loose) <= longest_group
    else:
        # Dealt out in turn, so that a new idea joins the end of one column and moves no other.
        count = flow_columns(len(rows))
        columns = [_column(f"flow{n + 1}", None, (), rows[n::count]) for n in range(count)]
        layout = "flow"
        narrow = False
    if earlier:
        columns.append(_column("earlier", None, (), earlier, earlier=True))
    longest = max((len(c["ideas"]) for c in columns), default=0)
    return {
        "layout": layout,
        "columns": columns,
        "count": len(rows) + len(earlier),
        "density": density(longest, len(columns) - (1 if narrow else 0)),
        "loose_narrow": narrow,  # a column for few ideas in no group: narrower than the rest
    }


@dataclass(frozen=True)
class _Heads:
    """The groups people were placed in, in order, and each group's members' names."""

    groups: list[str]
    names: dict[str, tuple[str, ...]]


# The groups' heads are made again when people or groups change, not for every idea.
_headings: Memo[_Heads] = Memo(256)


def _heads(placed: Mapping[str, str], state: WorkshopState) -> _Heads:
    members = state.board.members
    named = by_group(
        (pid for pid in placed if pid in members and not members[pid].anonymised),
        placed.__getitem__,
    )
    groups = sorted(set(placed.values()), key=group_order)
    return _Heads(groups, {g: tuple(members[pid].name for pid in named.get(g, ())) for g in groups})


# Each column kept while its ideas are the very rows of before (rows are kept by identity:
# ``board._rows``) and its heading and members are the same: a post makes the one column it
# lands in, not the wall's two hundred (and ``wall_columns`` finds a kept column's HTML by it).
_columns: Memo[dict[str, Any]] = Memo(4_000)


def _column(
    column_id: str,
    label: str | None,
    members: tuple[str, ...],
    rows: Sequence[IdeaRow],
    earlier: bool = False,
) -> dict[str, Any]:
    """One column of the wall's board (fragments/wall_column.html shows it); never changed
    once made."""
    return _columns.get(
        (column_id, label, members, earlier),
        tuple(rows),
        lambda: {
            "id": column_id,
            "label": label,
            "members": list(members),
            "ideas": [_idea(r) for r in rows],
            **({"earlier": True} if earlier else {}),
        },
    )


def _grouping(
    state: WorkshopState, agenda: Agenda, phase: Phase | None, board: str
) -> Mapping[str, str]:
    """Participant → group of the phase whose ideas are shown: the group work under way, or
    for a vote (or after the end) the latest group work on the board that formed groups."""
    groups = state.board.groups
    if isinstance(phase, GroupWorkPhase):
        return groups.get(phase.key, {})
    index = len(agenda.phases) if phase is None else agenda.phases.index(phase)
    for earlier in reversed(agenda.phases[:index]):
        if (
            isinstance(earlier, GroupWorkPhase)
            and earlier.board == board
            and groups.get(earlier.key)
        ):
            return groups[earlier.key]
    return {}


def earlier_rows(
    state: WorkshopState, agenda: Agenda, board: str, rows: Sequence[IdeaRow]
) -> list[IdeaRow]:
    """The earlier phases' ideas for the wall: most votes first, with their counts, once a
    vote on the board was revealed (a later group work takes up the most voted); else as
    posted."""
    vote_phase = revealed_vote(state, agenda, board)
    if vote_phase is None:
        return list(rows)
    tally = WALL.tally(state.board, vote_phase.key) or {}
    counted = [replace(r, votes=tally.get(r.id, 0)) for r in rows]
    return sorted(counted, key=lambda r: -(r.votes or 0))  # stable: ties as posted


def _idea(row: IdeaRow) -> dict[str, Any]:
    shown = {"id": row.id, "text": row.text, "theme": row.theme_name}
    return shown if row.votes is None else {**shown, "votes": row.votes}  # only once revealed


def flow_columns(ideas: int) -> int:
    """How many columns ideas without groups are shown in."""
    if ideas <= 1:
        return 1
    if ideas <= 6:
        return 2
    if ideas <= 15:
        return 3
    if ideas <= 28:
        return 4
    return 5


def density(longest: int, columns: int) -> int:
    """1 (large type) … 5 (small): from the longest column and how many columns share the
    width. wall.js takes it as the start and only ever makes it denser."""
    if longest <= 3:
        level = 1
    elif longest <= 5:
        level = 2
    elif longest <= 8:
        level = 3
    elif longest <= 12:
        level = 4
    else:
        level = 5
    if columns >= 6:
        level += 1
    elif columns <= 2 and level > 1:
        level -= 1
    return min(level, DENSEST)
