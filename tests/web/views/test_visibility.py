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
    Measurement,
    PlenumPhase,
    PollOption,
    PollPhase,
    Pulse,
    PulseItem,
    PulsePhase,
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
from facilitator.core.poll_messages import PollAnswered, PollRevealed
from facilitator.core.poll_state import results as poll_results
from facilitator.core.pulse_messages import PulseAnswered
from facilitator.core.question_messages import QuestionHidden, QuestionPosted, QuestionUpvoted
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


# --- plenum questions, polls and the pulse (the JSON protocol; the screens come later) ----

MODEL = PollPhase(
    key="model",
    title=TITLE,
    minutes=10,
    question=TITLE,
    options=(PollOption(key="a", label=TITLE), PollOption(key="b", label=TITLE)),
)
PLENARY = Agenda(
    key="plenary",
    title=TITLE,
    length=DayLength.FULL_DAY,
    audience="staff",
    phases=(
        PlenumPhase(
            key="talk", title=TITLE, minutes=30, moderated_questions=True, anonymous_questions=True
        ),
        MODEL,
        PulsePhase(key="pulse", title=TITLE, minutes=10, measurement="start"),
    ),
    pulse=Pulse(
        scale=(TITLE,) * 5,
        items=(PulseItem(key="overall", text=TITLE),),
        why=TITLE,
        minimum_answers=3,
        measurements=(Measurement(key="start", title=TITLE),),
    ),
)
GUEST_VIEWER = Actor(Role.GUEST, OBSERVER)
PLENARY_VIEWERS = (*VIEWERS, GUEST_VIEWER)


@st.composite
def plenaries(draw: st.DrawFn) -> WorkshopState:
    """Random questions (pending, approved, hidden, anonymous, upvoted), poll answers and
    pulse answers, revealed or closed or not."""
    people = (*AUTHORS, OBSERVER)
    events: list[Event] = [
        ParticipantJoined(at=T0, participant=p, name=p, department="miljo", role="participant")
        for p in people
    ]
    for n in range(draw(st.integers(0, 8))):
        key = f"q{n}"
        events.append(
            QuestionPosted(
                at=T0,
                question=key,
                phase="talk",
                text=f"Spørgsmål {n}",
                by=draw(st.sampled_from(people)),
                anonymous=draw(st.booleans()),
                approved=draw(st.booleans()),
            )
        )
        if draw(st.booleans()):
            events.append(QuestionHidden(at=T0, question=key))
        for voter in draw(st.sets(st.sampled_from(people))):
            events.append(QuestionUpvoted(at=T0, question=key, by=voter))
    for voter in draw(st.sets(st.sampled_from(people))):
        events.append(
            PollAnswered(at=T0, phase="model", by=voter, answer=draw(st.sampled_from("ab")))
        )
    for voter in draw(st.sets(st.sampled_from(people))):
        events.append(
            PulseAnswered(
                at=T0,
                measurement="start",
                by=voter,
                scores={"overall": draw(st.integers(1, 5))},
                recommend=None,
                why="",
            )
        )
    state = fold(WorkshopState.initial([p.minutes for p in PLENARY.phases]), events)
    reveal = draw(st.booleans())
    if state.polls.of("model") and reveal:
        tally = poll_results(MODEL, state.polls.of("model"))
        state = fold(state, [PollRevealed(at=T0, phase="model", results=tally)])
    if draw(st.booleans()):
        state = replace(state, pulse=replace(state.pulse, closed=frozenset({"start"})))
    return state


@settings(max_examples=150, deadline=None)
@given(plenaries())
def test_the_json_snapshot_exposes_exactly_the_questions_polls_and_pulse_the_policy_allows(
    state: WorkshopState,
) -> None:
    for viewer in PLENARY_VIEWERS:
        sight = visibility.of(viewer)
        view = snapshot(state, PLENARY, viewer, T0, 1)
        questions = view["plenum"]["questions"]
        allowed = [q for q in state.questions.questions.values() if sight.question(q)]
        assert {q["id"] for q in questions} == {q.id for q in allowed}, viewer
        assert [q["votes"] for q in questions] == sorted((q.votes for q in allowed), reverse=True)
        for shown in questions:
            question = state.questions.questions[shown["id"]]
            if question.anonymous and question.by != viewer.participant_id:
                assert shown["by"] is None, viewer  # the facilitator included
            assert ("upvoters" in shown) is (viewer.role is Role.FACILITATOR), viewer
            assert ("hidden" in shown) is (viewer.role is Role.FACILITATOR), viewer
            if viewer.role is not Role.FACILITATOR:
                assert not question.hidden
                assert question.approved or question.by == viewer.participant_id
        poll = view["polls"]["model"]
        revealed = "model" in state.polls.revealed
        assert ("results" in poll) is (revealed or viewer.role is Role.FACILITATOR), viewer
        pulse = view["pulse"]["start"]
        given = state.pulse.of("start")
        closed = "start" in state.pulse.closed
        assert pulse["answered"] == len(given)
        assert pulse["results"]["shown"] is (closed and len(given) >= 3), viewer
        assert bool(pulse["results"]["items"]) is pulse["results"]["shown"]
        mine = pulse.get("mine")
        if viewer.participant_id is None:
            assert "mine" not in pulse
        elif viewer.participant_id in given:
            assert mine == {
                "scores": dict(given[viewer.participant_id].scores),
                "recommend": None,
                "why": "",
            }
        else:
            assert mine is None
        # Nobody's pulse answer is in anybody else's view: only counts and the shown results.
        others = {pid for pid in given if pid != viewer.participant_id}
        assert not any(pid in str(pulse) for pid in others), viewer
