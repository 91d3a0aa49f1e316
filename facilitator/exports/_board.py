"""A workshop's boards as a table: every idea with its board, phase, group, theme, author
(unless anonymous) and votes, and its themes on a sheet of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitator import i18n
from facilitator.i18n import N_

from ._data import NO, YES
from ._sheets import Cell, csv_bytes, workbook_bytes

BOARD = N_("Board")
PHASE = N_("Phase")
GROUP = N_("Group")
GROUP_LABEL = N_("Group {group}")
NO_GROUP = N_("No group")
THEME = N_("Theme")
IDEA = N_("Idea")
AUTHOR = N_("Author")
ANONYMOUS = N_("Anonymous")
VOTES = N_("Votes")
HIDDEN = N_("Hidden")
POSTED_AT = N_("Posted at")
IDEAS_SHEET = N_("Ideas")
THEMES_SHEET = N_("Themes")
IDEAS_COUNT = N_("Ideas")
HEADING = N_("Board: {workshop}")


@dataclass(frozen=True)
class IdeaRow:
    board: str
    phase: str  # the title of the phase it was posted in
    group: str | None  # "g1"; None: in no group
    theme: str | None
    text: str
    author: str | None  # a name; None for an anonymous idea
    votes: int  # over every vote phase of its board
    hidden: bool
    posted_at: datetime


@dataclass(frozen=True)
class BoardExport:
    workshop_title: str
    organisation: str
    generated_at: datetime
    language: str
    ideas: tuple[IdeaRow, ...]  # by board, then as posted


def _t(data: BoardExport, msgid: str) -> str:
    return i18n.gettext(data.language, msgid)


def _group(data: BoardExport, group: str | None) -> str:
    if group is None:
        return _t(data, NO_GROUP)
    return _t(data, GROUP_LABEL).format(group=group.removeprefix("g"))


def _ideas(data: BoardExport) -> tuple[list[str], list[list[Cell]]]:
    headers = [BOARD, PHASE, GROUP, THEME, IDEA, AUTHOR, VOTES, HIDDEN, POSTED_AT]
    rows: list[list[Cell]] = [
        [
            idea.board,
            idea.phase,
            _group(data, idea.group),
            idea.theme,
            idea.text,
            idea.author if idea.author is not None else _t(data, ANONYMOUS),
            idea.votes,
            _t(data, YES if idea.hidden else NO),
            i18n.format_datetime(idea.posted_at, data.language),
        ]
        for idea in data.ideas
    ]
    return [_t(data, h) for h in headers], rows


def _themes(data: BoardExport) -> tuple[list[str], list[list[Cell]]]:
    counts: dict[tuple[str, str], int] = {}
    for idea in data.ideas:
        if idea.theme is not None:
            counts[(idea.board, idea.theme)] = counts.get((idea.board, idea.theme), 0) + 1
    rows: list[list[Cell]] = [[board, theme, n] for (board, theme), n in counts.items()]
    return [_t(data, h) for h in (BOARD, THEME, IDEAS_COUNT)], rows


def board_csv(data: BoardExport) -> bytes:
    return csv_bytes(*_ideas(data))


def board_xlsx(data: BoardExport) -> bytes:
    return workbook_bytes(
        [(_t(data, IDEAS_SHEET), _ideas(data)), (_t(data, THEMES_SHEET), _themes(data))],
        title=_t(data, HEADING).format(workshop=data.workshop_title),
        creator=data.organisation,
    )
