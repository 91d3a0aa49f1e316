"""Every transport shows exactly what the one visibility policy allows: the HTML views and the
JSON snapshot, for random boards and catalogues and every role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import (
    Agenda,
    DayLength,
    GroupWorkPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    Role,
    Text,
    VotePhase,
)
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board_messages import (
    IdeaHidden,
    IdeaPosted,
    IdeasMerged,
    ParticipantJoined,
    VoteCast,
    VotesRevealed,
)
from facilitator.core.catalogue_messages import (
    CatalogueImported,
    DecisionRevealed,
    EntryTriaged,
    ImportedEntry,
    QuestionAsked,
)
from facilitator.core.machine import Status
from facilitator.core.workshop import Event, WorkshopState, fold
from facilitator.web.views.board import board_context
from facilitator.web.views.catalogue import catalogue_context
from facilitator.web.views.protocol import snapshot

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
TITLE = Text(da="Fase", en="Phase")
AGENDA = Agenda(
    key="parity",
    title=TITLE,
    length=DayLength.FULL_DAY,
    audience="staff",
    phases=(
        GroupWorkPhase(key="work", title=TITLE, minutes=30, board="ideas"),
        VotePhase(key="dots", title=TITLE, minutes=10, board="ideas", votes_per_person=5),
        LeaderTriagePhase(key="triage", title=TITLE, minutes=30, catalogue="earlier"),
        LeaderPanelPhase(key="panel", title=TITLE, minutes=30, catalogue="earlier"),
    ),
)
AUTHORS = ("anna", "bo", "cai", "dorte")
OBSERVER = "olga"  # a member who authors nothing, so no view of theirs is personal
VIEWERS = (
    Actor(Role.FACILITATOR),
    Actor(Role.LEADER, OBSERVER),
    Actor(Role.PARTICIPANT, OBSERVER),
    Actor(Role.PROJECTOR),
)


@st.composite
def workshops(draw: st.DrawFn) -> WorkshopState:
    """A running workshop in a random phase, with random ideas, votes and decisions."""
    events: list[Event] = [
        ParticipantJoined(
            at=T0, participant=pid, name=pid.title(), department="miljo", role="participant"
        )
        for pid in (*AUTHORS, OBSERVER)
    ]
    count = draw(st.integers(0, 12))
    ideas = [f"i{n}" for n in range(count)]
    for key in ideas:
        events.append(
            IdeaPosted(
                at=T0,
                idea=key,
                board="ideas",
                group=draw(st.sampled_from(["g1", "g2", None])),
                author=draw(st.sampled_from(AUTHORS)),
                text=f"Idé {key}",
                anonymous=draw(st.booleans()),
                phase="work",
            )
        )
    for key in draw(st.lists(st.sampled_from(ideas), unique=True)) if ideas else []:
        events.append(IdeaHidden(at=T0, idea=key))
    merged: set[str] = set()
    for source, target in draw(st.lists(st.tuples(*[st.sampled_from(ideas)] * 2))) if ideas else []:
        if source != target and source not in merged and target not in merged:
            events.append(IdeasMerged(at=T0, source=source, target=target, votes_moved=0))
            merged.add(source)
    for voter, key in (
        draw(st.lists(st.tuples(st.sampled_from(AUTHORS), st.sampled_from(ideas))))[:20]
        if ideas
        else []
    ):
        events.append(VoteCast(at=T0, phase="dots", idea=key, voter=voter))
    if draw(st.booleans()):
        events.append(VotesRevealed(at=T0, phase="dots"))
    entries = [
        ImportedEntry(id=f"e{n}", text=f"Forslag {n}", origin="earlier", votes=n)
        for n in range(draw(st.integers(0, 5)))
    ]
    events.append(CatalogueImported(at=T0, source="earlier", entries=tuple(entries)))
    for entry in entries:
        if draw(st.booleans()):
            events.append(
                EntryTriaged(at=T0, entry=entry.id, field="verdict", value="start_now", by="lea")
            )
            events.append(
                EntryTriaged(at=T0, entry=entry.id, field="rationale", value="Fordi", by="lea")
            )
            if draw(st.booleans()):
                events.append(DecisionRevealed(at=T0, entry=entry.id))
    for n in range(draw(st.integers(0, 3))):
        asker = draw(st.sampled_from(AUTHORS))
        events.append(QuestionAsked(at=T0, question=f"q{n}", entry=None, text="Hvorfor?", by=asker))
    state = fold(WorkshopState.initial([p.minutes for p in AGENDA.phases]), events)
    phase = draw(st.integers(0, len(AGENDA.phases) - 1))
    running = replace(state.machine, status=Status.RUNNING, phase=phase, since=T0)
    return replace(state, machine=running)


def html_exposure(state: WorkshopState, viewer: Actor) -> dict[str, Any]:
    board = board_context(state, AGENDA, viewer, None)
    ids = {pid: pid for pid in state.board.members}  # names as ids, to compare with the JSON
    catalogue = catalogue_context(state, AGENDA, viewer, {}, ids, "da")
    return {
        "ideas": {row.id for row in board["ideas"]}
        | {p for row in board["ideas"] for p in row.parts},
        "authors": {row.id: row.author_id for row in board["ideas"]},
        "tally": {row.id: row.votes for row in board["ideas"]},
        "drafts": {
            row["id"]: (row["verdict"], row["rationale"]) for row in catalogue["catalogue_rows"]
        },
        "history": {row["id"]: len(row["history"]) for row in catalogue["catalogue_rows"]},
        "askers": [q["by"] or None for q in catalogue["catalogue_questions"]],
    }


def json_exposure(state: WorkshopState, viewer: Actor, shown: set[str]) -> dict[str, Any]:
    view = snapshot(state, AGENDA, viewer, T0 + timedelta(minutes=1), 1)
    ideas = view["ideas"]
    tally = view["votes"]["dots"].get("tally")
    on_board = [i for i in ideas if i["id"] in shown and not i.get("merged_into")]
    return {
        "ideas": {i["id"] for i in ideas},
        "authors": {i["id"]: i["author"] for i in on_board},
        "tally": {i["id"]: None if tally is None else tally.get(i["id"], 0) for i in on_board},
        "drafts": {
            e["id"]: (e.get("verdict"), e.get("rationale", ""))
            for e in view["catalogue"]["entries"]
        },
        "history": {e["id"]: len(e.get("history", [])) for e in view["catalogue"]["entries"]},
        "askers": [q.get("by") for q in view["catalogue"]["questions"]],
    }


@settings(max_examples=150, deadline=None)
@given(workshops())
def test_the_html_views_and_the_json_snapshot_expose_exactly_what_the_policy_allows(
    state: WorkshopState,
) -> None:
    phase = state.current_phase(AGENDA)
    board_phase = isinstance(phase, GroupWorkPhase | VotePhase)
    for viewer in VIEWERS:
        sight = visibility.of(viewer)
        allowed_ideas = {idea.id for idea in sight.ideas(state.board)}
        allowed_authors = {i.id: sight.author(i) for i in sight.ideas(state.board)}
        html, json = html_exposure(state, viewer), None
        json = json_exposure(state, viewer, html["ideas"] if board_phase else set())
        assert json["ideas"] == allowed_ideas, viewer
        if board_phase:
            assert html["ideas"] == allowed_ideas, viewer
            assert html["authors"] == {k: allowed_authors[k] for k in html["authors"]}, viewer
            assert html["authors"] == json["authors"], viewer
        else:
            assert html["ideas"] == set(), viewer
        if isinstance(phase, VotePhase):
            assert html["tally"] == json["tally"], viewer
            revealed = "dots" in state.board.revealed
            hidden_counts = not revealed and viewer.role is not Role.FACILITATOR
            assert all((v is None) == hidden_counts for v in html["tally"].values()), viewer
        assert html["drafts"] == json["drafts"], viewer
        assert html["history"] == json["history"], viewer
        for entry in state.catalogue.entries.values():
            if not sight.decision(entry):
                assert html["drafts"][entry.id] == (None, ""), viewer
        assert html["askers"] == json["askers"], viewer
        if viewer.role is not Role.FACILITATOR:
            assert set(html["askers"]) <= {None}, viewer
