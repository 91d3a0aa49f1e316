"""The facilitator's console: what the laptop that runs the day shows beside the agenda.

Pure: built from the scene (what the room holds) and the board as the facilitator's role
sees it (``board_context``). The facilitator may see every idea, author and count, so
nothing here is redaction; it is arrangement: the board by theme, the room by group, the
plenum's questions by upvotes, a poll's and a pulse's answers so far, and the links and
codes to hand out. Every row is a frozen dataclass, so a card's rendered HTML can be kept
by its row (``views.cards``) and a change re-renders only what it changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from facilitator.agenda import (
    Agenda,
    GroupWorkPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    Phase,
    PhaseKind,
    PlenumPhase,
    PollPhase,
    PulsePhase,
    Role,
    VotePhase,
)
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board import BoardState, Idea
from facilitator.core.machine import Status
from facilitator.core.workshop import WorkshopState
from facilitator.i18n import N_
from facilitator.store.tables import Workshop
from facilitator.web.views.board import IdeaRow, board_context
from facilitator.web.views.cards import LIMIT as CARDS
from facilitator.web.views.cards import SECTIONS, section_html
from facilitator.web.views.console_answers import eligible, plenum_view, poll_view, pulse_view
from facilitator.web.views.memo import Memo
from facilitator.web.views.people import Scene as PeopleScene
from facilitator.web.views.people import people_view
from facilitator.web.views.people_rows import person_row


class Scene(PeopleScene, Protocol):
    """What the room holds at one moment (``screens.Scene``; named here, not imported, so
    that the screens may build on this module)."""

    @property
    def shared_reflections(self) -> Mapping[str, str]: ...


# --- the board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One idea on the console's board: all its card shows, and nothing else (its HTML is
    kept by this row)."""

    id: str
    text: str
    author: str | None  # None: anonymous to the room (the facilitator still moderates it)
    group: str | None
    theme: str  # "" for no theme
    theme_name: str
    votes: int | None  # None outside a vote phase
    votes_public: bool  # revealed: the room sees them too
    hidden: bool
    merged: tuple[str, ...]  # the texts of the ideas merged into this one
    earlier: str  # the title of the earlier phase it was posted in, or ""
    readonly: bool  # after the end: shown, not moderated


@dataclass(frozen=True)
class Section:
    """The cards of one theme ("" is the ideas without one), or the hidden ideas."""

    theme: str
    name: str
    cards: tuple[Card, ...]
    hidden: bool = False  # the section of hidden ideas: no drop target


@dataclass(frozen=True)
class ThemeChip:
    id: str  # "" for "no theme"
    name: str
    count: int


@dataclass(frozen=True)
class VoteInfo:
    revealed: bool
    budget: int
    voters: int  # people who have cast at least one vote
    eligible: int  # members who may vote (the phase's actors)
    cast: int  # votes cast in all


@dataclass(frozen=True)
class BoardView:
    key: str
    total: int  # ideas standing (merged ones are part of their target)
    sections: tuple[Section, ...]
    chips: tuple[ThemeChip, ...]  # the drop targets: "no theme" first, then each theme
    vote: VoteInfo | None
    readonly: bool
    can_post: bool


def board_view(
    state: WorkshopState, agenda: Agenda, board: Mapping[str, Any], language: str
) -> BoardView | None:
    """The facilitator's board (``board`` is ``board_context`` for the facilitator) by
    theme: ideas without a theme first, then each theme in the order made, hidden ideas
    last. Before the votes are revealed the cards keep the order posted (a ranking would
    tell the room what the hidden counts say); after, the most voted come first."""
    key = board.get("board_key")
    if not key:
        return None
    ended = bool(board.get("ended"))
    vote = _vote_info(state, agenda, board)
    titles = {p.key: p.title.get(language) for p in agenda.phases}
    current = state.current_phase(agenda)
    rows: Sequence[IdeaRow] = [*board.get("ideas", ()), *board.get("earlier_ideas", ())]
    ideas = state.board.ideas
    cards = [
        _card(row, state.board, vote, titles, current, ended, ideas[row.id].phase)
        for row in rows
        if row.id in ideas
    ]
    if vote is not None and vote.revealed:
        cards.sort(key=lambda card: -(card.votes or 0))
    themes = list(state.board.themes_of(key))
    standing = [card for card in cards if not card.hidden]
    by_theme: dict[str, list[Card]] = {"": []}
    by_theme |= {theme.id: [] for theme in themes}
    for card in standing:
        by_theme.setdefault(card.theme, []).append(card)
    sections = [_section("", "", tuple(by_theme[""]))]
    sections += [_section(t.id, t.name, tuple(by_theme[t.id])) for t in themes]
    hidden = tuple(card for card in cards if card.hidden)
    if hidden:
        sections.append(_section("", "", hidden, hidden=True))
    chips = (
        ThemeChip("", "", len(by_theme[""])),
        *(ThemeChip(t.id, t.name, len(by_theme[t.id])) for t in themes),
    )
    return BoardView(
        key=key,
        total=len(cards),
        sections=tuple(sections),
        chips=chips,
        vote=vote,
        readonly=ended,
        can_post=bool(board.get("can_post")),
    )


def _vote_info(state: WorkshopState, agenda: Agenda, board: Mapping[str, Any]) -> VoteInfo | None:
    vote = board.get("vote")
    if not vote:
        return None
    ballots = state.board.votes.get(vote["phase"], {})
    phase = next((p for p in agenda.phases if p.key == vote["phase"]), None)
    return VoteInfo(
        revealed=bool(vote["revealed"]),
        budget=int(vote["budget"]),
        voters=sum(1 for ballot in ballots.values() if any(ballot.values())),
        eligible=0 if phase is None else eligible(state, phase),
        cast=sum(sum(ballot.values()) for ballot in ballots.values()),
    )


def _card(
    row: IdeaRow,
    board: BoardState,
    vote: VoteInfo | None,
    titles: Mapping[str, str],
    current: Phase | None,
    ended: bool,
    posted_in: str,
) -> Card:
    idea = board.ideas[row.id]
    earlier = ""
    if current is not None and posted_in != current.key and current.kind != PhaseKind.VOTE:
        earlier = titles.get(posted_in, "")
    merged = tuple(board.ideas[p] for p in row.parts if p in board.ideas)
    counted = vote is not None
    public = counted and vote.revealed  # type: ignore[union-attr]
    return _cards.get(
        (earlier, counted, public, ended),
        (row, idea, *merged),
        lambda: _make_card(row, idea.anonymous, merged, earlier, counted, public, ended),
    )


def _section(theme: str, name: str, cards: tuple[Card, ...], hidden: bool = False) -> Section:
    """The section, kept while its cards are the same objects: a section a change did not
    touch is the very object its rendered HTML is kept by (``cards.section_html``)."""
    return _sections.get((theme, name, hidden), cards, lambda: Section(theme, name, cards, hidden))


_sections: Memo[Section] = Memo(SECTIONS)


# Each idea's card, kept while its row (kept by identity: ``board._rows``) and its idea are the
# same objects, so that an unchanged card is the very object its rendered HTML is kept by.
_cards: Memo[Card] = Memo(CARDS)


def _make_card(
    row: IdeaRow,
    anonymous: bool,
    merged: tuple[Idea, ...],
    earlier: str,
    counted: bool,
    public: bool,
    ended: bool,
) -> Card:
    return Card(
        id=row.id,
        text=row.text,
        author=None if anonymous else row.author,
        group=row.group,
        theme=row.theme or "",
        theme_name=row.theme_name or "",
        votes=row.votes if counted else None,
        votes_public=public,
        hidden=row.hidden,
        merged=tuple(idea.text for idea in merged),
        earlier=earlier,
        readonly=ended,
    )


# --- links and codes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    join_code: str
    leader_code: str
    guest_code: str | None
    join_url: str
    leader_url: str
    guest_url: str | None
    projector_url: str
    print_url: str
    pulse_url: str | None  # the programme's pulse on one screen, for the wall
    exports: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (what, ((format, href), …))


# What each export is (msgids, translated where shown) and its formats.
EXPORTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (N_("The idea catalogue"), "export", ("html", "md", "csv", "xlsx")),
    (N_("The boards, every idea"), "board", ("csv", "xlsx")),
    (N_("Plenum questions and people"), "questions", ("csv", "xlsx")),
    (N_("The service pulse (the programme)"), "pulse", ("csv", "xlsx")),
)


def links_of(row: Workshop, base_url: str) -> Links:
    """Every link and code the facilitator hands out, and the facilitator's downloads."""
    base = f"/w/{row.id}"
    exports = tuple(
        (what, tuple((fmt, f"{base}/{path}.{fmt}") for fmt in formats))
        for what, path, formats in EXPORTS
        if path != "pulse" or row.programme_id is not None
    )
    return Links(
        join_code=row.join_code,
        leader_code=row.leader_code,
        guest_code=row.guest_code,
        join_url=f"{base_url}/join/{row.join_code}",
        leader_url=f"{base_url}/join/{row.leader_code}",
        guest_url=f"{base_url}/join/{row.guest_code}" if row.guest_code else None,
        projector_url=f"{base_url}{base}/projector?token={row.projector_token}",
        print_url=f"{base}/links",
        pulse_url=(
            f"{base_url}{base}/pulse?token={row.projector_token}" if row.programme_id else None
        ),
        exports=exports,
    )


# --- the stage: what the main area shows in this phase ------------------------------------------


def stage_mode(state: WorkshopState, agenda: Agenda) -> str:
    """lobby | ended | board | plenum | poll | pulse | triage | panel | reflection | plain"""
    status = state.machine.status
    if status is Status.LOBBY:
        return "lobby"
    if status is Status.ENDED:
        return "ended"
    phase = state.current_phase(agenda)
    match phase:
        case PlenumPhase():
            return "plenum"
        case PollPhase():
            return "poll"
        case PulsePhase():
            return "pulse"
        case LeaderTriagePhase():
            return "triage"
        case LeaderPanelPhase():
            return "panel"
        case GroupWorkPhase() | VotePhase():
            return "board"
    if phase is not None and phase.kind == PhaseKind.HOME_REFLECTION:
        return "reflection"
    if phase is not None and getattr(phase, "board", None):
        return "board"
    return "plain"


def console_view(
    scene: Scene,
    row: Workshop,
    board: Mapping[str, Any],
    language: str,
    base_url: str,
) -> dict[str, Any]:
    """What the console adds to the facilitator's screen context (``board`` is the board as
    the facilitator sees it, from ``board_context``)."""
    state, agenda = scene.state, scene.agenda
    phase = state.current_phase(agenda)
    index = state.machine.phase
    following = (
        agenda.phases[index + 1]
        if index is not None
        and index + 1 < len(agenda.phases)
        and state.machine.status is not Status.ENDED
        else None
    )
    stage = stage_mode(state, agenda)
    context: dict[str, Any] = {
        "stage": stage,
        "desk": board_view(state, agenda, board, language),
        "links": links_of(row, base_url),
        "next_phase": None
        if following is None
        else {"title": following.title.get(language), "minutes": following.minutes},
        "plenum": plenum_view(state, phase, language) if isinstance(phase, PlenumPhase) else None,
        "poll": poll_view(state, phase, language) if isinstance(phase, PollPhase) else None,
        "pulse": pulse_view(state, agenda, phase, language)
        if isinstance(phase, PulsePhase)
        else None,
        # Only the end shows it: a count in every stage's context would change the kept
        # stage's fingerprint with every post (1 ms a render at 200 groups).
        "ideas_total": sum(
            1 for i in state.board.ideas.values() if i.merged_into is None and not i.hidden
        )
        if stage == "ended"
        else None,
        "preview_roles": (Role.PARTICIPANT.value, Role.LEADER.value, Role.PROJECTOR.value),
        "section_html": section_html,
        "person_row": person_row,
    }
    context |= people_view(scene, language)
    return context


# --- the preview of another role's screen -------------------------------------------------------

PREVIEW_ROLES = (Role.PARTICIPANT, Role.LEADER, Role.PROJECTOR)


def preview_group(state: WorkshopState, agenda: Agenda, group: str | None) -> str | None:
    """``group`` if it is one of the groups of the group work under way, else None."""
    phase = state.current_phase(agenda)
    if group is None or not isinstance(phase, GroupWorkPhase):
        return None
    return group if group in set(state.board.groups.get(phase.key, {}).values()) else None


def preview_context(scene: Scene, role: Role, group: str | None) -> dict[str, Any]:
    """What a member of ``group`` sees beyond what their role sees: their group's section of
    the board and the reflections shared with it (nothing for the wall, or without a group).
    The role's view, never a person's: the preview shows what phones are sent."""
    state, agenda = scene.state, scene.agenda
    group = preview_group(state, agenda, group)
    if group is None or role is Role.PROJECTOR:
        return {}
    viewer = Actor(role)
    phase = state.current_phase(agenda)
    groups = state.board.groups.get(phase.key, {}) if phase is not None else {}
    shared = visibility.of(viewer).shared_reflections(scene.shared_reflections, groups, group)
    members = state.board.members
    return board_context(state, agenda, viewer, group) | {
        "shared_reflections": [
            {"name": members[pid].name if pid in members else "", "text": text}
            for pid, text in shared.items()
        ],
    }
