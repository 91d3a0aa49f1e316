from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from facilitator.agenda import (
    BreakPhase,
    GroupWorkPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    Phase,
    PlenumPhase,
    Role,
    Text,
    VotePhase,
)
from facilitator.core import board_messages, catalogue_messages, commands, events
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.catalogue import (
    CatalogueState,
    Entry,
    Revision,
    Verdict,
    decide,
    evolve,
    on_enter,
)
from facilitator.core.catalogue_messages import (
    AskQuestion,
    CatalogueCommand,
    CatalogueEvent,
    CatalogueImported,
    ImportedEntry,
    React,
    ReactionToggled,
    RevealDecision,
    Triage,
    TriageField,
    TriageValue,
)
from facilitator.core.catalogue_state import period_key
from facilitator.core.errors import Refusal
from tests.core.decisions import accepted, folded, refused

T0 = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
TITLE = Text(da="x", en="x")
SOURCE = "staff-day-1"
TRIAGE = LeaderTriagePhase(key="one-by-one", title=TITLE, minutes=60, catalogue=SOURCE)
AS_A_WHOLE = LeaderTriagePhase(key="as-a-whole", title=TITLE, minutes=45, catalogue=SOURCE)
PANEL = LeaderPanelPhase(key="panel", title=TITLE, minutes=45, catalogue=SOURCE)
DEVELOP = GroupWorkPhase(
    key="develop", title=TITLE, minutes=70, board="catalogue-work", opens_catalogue=SOURCE
)
WORK = GroupWorkPhase(key="work", title=TITLE, minutes=30, board="ideas")
TALK = PlenumPhase(key="talk", title=TITLE, minutes=20)
VOTE = VotePhase(key="vote", title=TITLE, minutes=10, board="ideas")
COFFEE = BreakPhase(key="coffee", title=TITLE, minutes=15)

LEA = Actor(Role.LEADER, "lea")
OLE = Actor(Role.LEADER, "ole")
ANNA = Actor(Role.PARTICIPANT, "anna")
BO = Actor(Role.PARTICIPANT, "bo")
PROJECTOR = Actor(Role.PROJECTOR)

# The wire format of this rule set's messages (the aggregate's adapters take every kind).
CATALOGUE_COMMANDS: TypeAdapter[CatalogueCommand] = TypeAdapter(
    Annotated[CatalogueCommand, Field(discriminator="type")]
)
CATALOGUE_EVENTS: TypeAdapter[CatalogueEvent] = TypeAdapter(
    Annotated[CatalogueEvent, Field(discriminator="type")]
)


def proposal(key: str, **decisions: Any) -> ImportedEntry:
    return ImportedEntry(
        id=key, text=f"Proposal {key}", origin=SOURCE, group="g1", votes=2, theme="Indgange"
    ).model_copy(update=decisions)


PROPOSALS = tuple(proposal(key) for key in "abcd")
SOURCES: Mapping[str, Sequence[ImportedEntry]] = {SOURCE: PROPOSALS}

_ids = count()


def outcome(
    state: CatalogueState,
    phase: Phase | None,
    command: CatalogueCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    paused: bool = False,
    now: datetime = T0,
) -> list[CatalogueEvent] | Refusal:
    return decide(state, phase, command, actor, now, command_id or f"c{next(_ids)}", paused=paused)


def run(
    state: CatalogueState,
    phase: Phase | None,
    command: CatalogueCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    now: datetime = T0,
) -> CatalogueState:
    return fold(state, accepted(outcome(state, phase, command, actor, command_id, now=now)))


def fold(state: CatalogueState, happened: Iterable[CatalogueEvent]) -> CatalogueState:
    return folded(state, happened, evolve)


def refusal(
    state: CatalogueState,
    phase: Phase | None,
    command: CatalogueCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    paused: bool = False,
) -> str:
    """The refusal's code, after checking it renders and names a real reason."""
    return refused(outcome(state, phase, command, actor, command_id, paused=paused))


def imported(*entries: ImportedEntry) -> CatalogueState:
    sources = {SOURCE: entries} if entries else SOURCES
    return fold(CatalogueState.empty(), on_enter(CatalogueState.empty(), TRIAGE, sources, T0))


def triaged(
    state: CatalogueState | None = None, **fields: dict[str, TriageValue]
) -> CatalogueState:
    """Each keyword triages that entry's fields, as Lea in the triage phase."""
    state = state or imported()
    for key, values in fields.items():
        for field, value in values.items():
            state = run(state, TRIAGE, Triage(entry=key, field=field, value=value), LEA)
    return state


def revealed(state: CatalogueState, *keys: str) -> CatalogueState:
    for key in keys:
        state = run(state, PANEL, RevealDecision(entry=key), FACILITATOR)
    return state


def on_panel() -> CatalogueState:
    """Entry a is decided and revealed, b is decided but not revealed."""
    state = triaged(a={"verdict": "start_now"}, b={"verdict": "await"})
    return revealed(state, "a")


# --- importing --------------------------------------------------------------------------


def test_an_empty_catalogue_has_nothing() -> None:
    state = CatalogueState.empty()
    assert (dict(state.entries), state.imported, state.revealed_order) == ({}, frozenset(), ())
    assert (dict(state.reactions), state.questions) == ({}, ())
    assert state.by_verdict() == {verdict: [] for verdict in Verdict}
    assert state.timeline() == {}


def test_entering_a_triage_phase_imports_its_source_in_order() -> None:
    happened = on_enter(CatalogueState.empty(), TRIAGE, SOURCES, T0)
    assert happened == [CatalogueImported(at=T0, source=SOURCE, entries=PROPOSALS)]
    state = fold(CatalogueState.empty(), happened)
    assert list(state.entries) == ["a", "b", "c", "d"]
    assert state.imported == {SOURCE}
    a = state.entries["a"]
    assert (a.id, a.text, a.origin, a.group, a.votes, a.theme) == (
        "a",
        "Proposal a",
        SOURCE,
        "g1",
        2,
        "Indgange",
    )
    assert (a.verdict, a.priority, a.owner, a.timeline, a.rationale) == (None, None, None, None, "")
    assert (a.revealed, a.history) == (False, ())


@pytest.mark.parametrize("phase", [TRIAGE, PANEL, DEVELOP], ids=lambda p: p.kind)
def test_each_phase_that_works_on_a_catalogue_imports_it(phase: Phase) -> None:
    state = fold(CatalogueState.empty(), on_enter(CatalogueState.empty(), phase, SOURCES, T0))
    assert list(state.entries) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("phase", [WORK, TALK, VOTE, COFFEE], ids=lambda p: p.key)
def test_phases_that_do_not_open_a_catalogue_import_nothing(phase: Phase) -> None:
    assert on_enter(CatalogueState.empty(), phase, SOURCES, T0) == []


def test_a_source_is_imported_once_whichever_phase_enters_it_again() -> None:
    state = imported()
    for phase in (TRIAGE, AS_A_WHOLE, PANEL, DEVELOP):
        assert on_enter(state, phase, SOURCES, T0 + timedelta(hours=1)) == []


def test_a_source_that_is_not_there_is_not_imported_and_can_be_later() -> None:
    assert on_enter(CatalogueState.empty(), TRIAGE, {}, T0) == []
    assert on_enter(CatalogueState.empty(), TRIAGE, {"other": PROPOSALS}, T0) == []
    assert on_enter(CatalogueState.empty(), TRIAGE, SOURCES, T0) != []


def test_an_empty_source_is_imported_as_empty_and_not_again() -> None:
    state = fold(CatalogueState.empty(), on_enter(CatalogueState.empty(), TRIAGE, {SOURCE: ()}, T0))
    assert state.imported == {SOURCE} and not state.entries
    assert on_enter(state, PANEL, SOURCES, T0) == []


def test_an_import_leaves_out_ids_the_catalogue_already_has_and_repeats_in_the_source() -> None:
    state = imported()
    other = LeaderTriagePhase(key="later", title=TITLE, minutes=10, catalogue="other")
    newer = (proposal("a", text="changed"), proposal("e"), proposal("e", text="again"))
    happened = on_enter(state, other, {"other": newer}, T0)
    assert len(happened) == 1 and isinstance(happened[0], CatalogueImported)
    assert [entry.id for entry in happened[0].entries] == ["e"]
    state = fold(state, happened)
    assert list(state.entries) == ["a", "b", "c", "d", "e"]
    assert state.entries["a"].text == "Proposal a"
    assert state.entries["e"].text == "Proposal e"
    assert state.imported == {SOURCE, "other"}


def test_decisions_made_in_an_earlier_workshop_come_along_with_the_import() -> None:
    decided = proposal(
        "a",
        verdict=Verdict.START_NOW,
        priority=2,
        owner="Miljøchefen",
        timeline="2027-Q2",
        rationale="Hurtig gevinst",
    )
    state = fold(
        CatalogueState.empty(),
        on_enter(CatalogueState.empty(), PANEL, {SOURCE: (decided, proposal("b"))}, T0),
    )
    a = state.entries["a"]
    assert (a.verdict, a.priority, a.owner, a.timeline, a.rationale) == (
        Verdict.START_NOW,
        2,
        "Miljøchefen",
        "2027-Q2",
        "Hurtig gevinst",
    )
    assert not a.revealed and a.history == ()
    assert state.by_verdict()[Verdict.START_NOW] == [a]
    assert state.timeline() == {"2027-Q2": [a]}
    # Decided in the leaders' workshop, it can be revealed in staff day 2's panel right away.
    assert run(state, PANEL, RevealDecision(entry="a"), LEA).revealed_order == ("a",)


def test_an_imported_entry_reads_its_decisions_from_json() -> None:
    raw = (
        '{"id": "a", "text": "t", "origin": "staff-day-1", "group": null, "votes": 3,'
        ' "theme": null, "verdict": "city_council", "priority": 1}'
    )
    entry = ImportedEntry.model_validate_json(raw)
    assert (entry.verdict, entry.priority, entry.owner) == (Verdict.CITY_COUNCIL, 1, None)


@pytest.mark.parametrize(
    "bad",
    [
        {"verdict": "maybe"},
        {"priority": 0},
        {"priority": 1000},
        {"owner": ""},
        {"owner": "x" * 81},
        {"timeline": "2027-13"},
        {"timeline": "2019-Q1"},
        {"rationale": "x" * 1001},
        {"votes": -1},
        {"colour": "red"},
    ],
    ids=str,
)
def test_an_imported_entry_is_held_to_the_triage_limits(bad: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"id": "a", "text": "t", "origin": SOURCE, **bad}
    with pytest.raises(ValidationError):
        ImportedEntry.model_validate(fields)


# --- triage -----------------------------------------------------------------------------


def test_a_leader_sets_each_field_of_an_entry() -> None:
    state = triaged(
        a={
            "verdict": "start_now",
            "priority": 3,
            "owner": "  Erhvervschefen ",
            "timeline": "2027-04",
            "rationale": "  Enkelt at gå i gang med.\n",
        }
    )
    a = state.entries["a"]
    assert (a.verdict, a.priority, a.owner, a.timeline, a.rationale) == (
        Verdict.START_NOW,
        3,
        "Erhvervschefen",
        "2027-04",
        "Enkelt at gå i gang med.",
    )
    assert [(c.field, c.value, c.by, c.at) for c in a.history] == [
        ("verdict", "start_now", "lea", T0),
        ("priority", 3, "lea", T0),
        ("owner", "Erhvervschefen", "lea", T0),
        ("timeline", "2027-04", "lea", T0),
        ("rationale", "Enkelt at gå i gang med.", "lea", T0),
    ]
    assert state.entries["b"] == imported().entries["b"]


def test_every_verdict_can_be_given_and_changed() -> None:
    state = imported()
    for verdict in Verdict:
        state = run(state, TRIAGE, Triage(entry="a", field="verdict", value=verdict.value), LEA)
        assert state.entries["a"].verdict is verdict


def test_the_facilitator_triages_too_as_the_facilitator() -> None:
    state = run(imported(), TRIAGE, Triage(entry="a", field="priority", value=1), FACILITATOR)
    assert state.entries["a"].history == (Revision("priority", 1, "facilitator", T0),)


def test_triage_events_carry_the_clock_they_are_given() -> None:
    later = T0 + timedelta(minutes=7)
    answer = outcome(
        imported(), TRIAGE, Triage(entry="a", field="owner", value="Lea"), LEA, now=later
    )
    assert not isinstance(answer, Refusal) and answer[0].at == later


def test_triage_works_in_every_triage_phase_of_the_agenda() -> None:
    state = run(imported(), AS_A_WHOLE, Triage(entry="a", field="priority", value=4), OLE)
    assert state.entries["a"].priority == 4


def test_only_leaders_and_the_facilitator_triage() -> None:
    command = Triage(entry="a", field="verdict", value="await")
    assert refusal(imported(), TRIAGE, command, ANNA) == "leaders_only"
    assert refusal(imported(), TRIAGE, command, PROJECTOR) == "read_only"
    assert refusal(imported(), TRIAGE, command, Actor(Role.LEADER)) == "not_joined"


@pytest.mark.parametrize(
    ("phase", "code"),
    [(None, "not_running"), (PANEL, "not_triage"), (DEVELOP, "not_triage"), (TALK, "not_triage")],
    ids=["lobby", "panel", "group-work", "plenum"],
)
def test_triage_needs_a_triage_phase_under_way(phase: Phase | None, code: str) -> None:
    command = Triage(entry="a", field="verdict", value="await")
    assert refusal(imported(), phase, command, LEA) == code
    assert refusal(imported(), phase, command, FACILITATOR) == code


def test_nobody_triages_while_the_phase_is_paused() -> None:
    command = Triage(entry="a", field="verdict", value="await")
    assert refusal(imported(), TRIAGE, command, LEA, paused=True) == "paused"
    assert refusal(imported(), TRIAGE, command, FACILITATOR, paused=True) == "paused"


def test_triage_needs_an_entry_in_the_catalogue() -> None:
    command = Triage(entry="zz", field="verdict", value="await")
    assert refusal(imported(), TRIAGE, command, LEA) == "no_entry"


BAD_VALUES: list[tuple[TriageField, TriageValue, str]] = [
    ("verdict", "start now", "bad_verdict"),
    ("verdict", "START_NOW", "bad_verdict"),
    ("verdict", "", "bad_verdict"),
    ("verdict", None, "bad_verdict"),
    ("verdict", 1, "bad_verdict"),
    ("priority", 0, "bad_priority"),
    ("priority", -1, "bad_priority"),
    ("priority", 1000, "bad_priority"),
    ("priority", "3", "bad_priority"),
    ("priority", "", "bad_priority"),
    ("owner", "", "bad_owner"),
    ("owner", "   ", "bad_owner"),
    ("owner", "x" * 81, "bad_owner"),
    ("owner", 7, "bad_owner"),
    ("timeline", "2027-13", "bad_timeline"),
    ("timeline", "2027-00", "bad_timeline"),
    ("timeline", "2027-3", "bad_timeline"),
    ("timeline", "2027-Q0", "bad_timeline"),
    ("timeline", "2027-Q5", "bad_timeline"),
    ("timeline", "2019-12", "bad_timeline"),
    ("timeline", "2101-01", "bad_timeline"),
    ("timeline", "27-03", "bad_timeline"),
    ("timeline", "2027/03", "bad_timeline"),
    ("timeline", "2027-03-01", "bad_timeline"),
    ("timeline", "", "bad_timeline"),
    ("timeline", 202703, "bad_timeline"),
    ("rationale", "x" * 1001, "bad_rationale"),
    ("rationale", 5, "bad_rationale"),
]


@pytest.mark.parametrize(("field", "value", "code"), BAD_VALUES, ids=lambda x: repr(x)[:20])
def test_triage_refuses_a_value_the_field_cannot_take(
    field: TriageField, value: TriageValue, code: str
) -> None:
    assert refusal(imported(), TRIAGE, Triage(entry="a", field=field, value=value), LEA) == code


def test_a_bad_value_is_refused_even_from_the_facilitator_and_leaves_the_entry_alone() -> None:
    state = imported()
    command = Triage(entry="a", field="verdict", value="maybe")
    assert refusal(state, TRIAGE, command, FACILITATOR) == "bad_verdict"
    assert state.entries["a"].verdict is None


def test_the_limits_are_in_the_refusals() -> None:
    for field, value, limit in [("priority", 0, 999), ("owner", "", 80), ("rationale", 5, 1000)]:
        answer = outcome(imported(), TRIAGE, Triage(entry="a", field=field, value=value), LEA)
        assert isinstance(answer, Refusal) and str(limit) in answer.render()


GOOD_VALUES: list[tuple[TriageField, TriageValue, TriageValue]] = [
    ("priority", 1, 1),
    ("priority", 999, 999),
    ("owner", " " + "o" * 80 + " ", "o" * 80),
    ("timeline", "2020-01", "2020-01"),
    ("timeline", "2100-12", "2100-12"),
    ("timeline", "2100-Q4", "2100-Q4"),
    ("timeline", " 2027-q2 ", "2027-Q2"),
    ("rationale", " " + "r" * 1000 + "\n", "r" * 1000),
]


@pytest.mark.parametrize(("field", "value", "stored"), GOOD_VALUES, ids=lambda x: repr(x)[:20])
def test_triage_takes_values_at_the_limits_and_normalises_them(
    field: TriageField, value: TriageValue, stored: TriageValue
) -> None:
    state = run(imported(), TRIAGE, Triage(entry="a", field=field, value=value), LEA)
    assert getattr(state.entries["a"], field) == stored
    assert state.entries["a"].history[-1].value == stored


@pytest.mark.parametrize(
    ("field", "value", "cleared"),
    [
        ("priority", 5, None),
        ("owner", "Lea", None),
        ("timeline", "2027-05", None),
        ("rationale", "x", ""),
    ],
)
def test_none_clears_a_field_other_than_the_verdict(
    field: TriageField, value: TriageValue, cleared: TriageValue
) -> None:
    state = triaged(a={field: value})
    state = run(state, TRIAGE, Triage(entry="a", field=field, value=None), OLE)
    assert getattr(state.entries["a"], field) == cleared
    assert state.entries["a"].history[-1] == Revision(field, cleared, "ole", T0)


@pytest.mark.parametrize(
    ("field", "first", "again"),
    [
        ("verdict", "await", "await"),
        ("priority", 2, 2),
        ("owner", "Lea", "  Lea "),
        ("timeline", "2027-Q1", "2027-q1"),
        ("rationale", "Fordi", " Fordi "),
    ],
)
def test_a_value_the_entry_already_has_is_refused_as_unchanged(
    field: TriageField, first: TriageValue, again: TriageValue
) -> None:
    state = triaged(a={field: first})
    command = Triage(entry="a", field=field, value=again)
    assert refusal(state, TRIAGE, command, OLE) == "unchanged"
    assert len(state.entries["a"].history) == 1


def test_clearing_a_field_that_is_empty_is_unchanged() -> None:
    for field in ("priority", "owner", "timeline", "rationale"):
        command = Triage(entry="a", field=field, value=None)
        assert refusal(imported(), TRIAGE, command, LEA) == "unchanged"


def test_two_leaders_editing_different_fields_of_one_entry_both_keep_their_work() -> None:
    state = imported()
    # Both screens showed the same entry; their writes arrive one after the other.
    state = run(state, TRIAGE, Triage(entry="a", field="verdict", value="city_council"), LEA)
    state = run(
        state,
        TRIAGE,
        Triage(entry="a", field="owner", value="Ole"),
        OLE,
        now=T0 + timedelta(seconds=1),
    )
    a = state.entries["a"]
    assert (a.verdict, a.owner) == (Verdict.CITY_COUNCIL, "Ole")
    assert [(c.field, c.by) for c in a.history] == [("verdict", "lea"), ("owner", "ole")]


def test_two_leaders_writing_the_same_field_the_last_wins_and_both_are_in_history() -> None:
    state = imported()
    later = T0 + timedelta(seconds=2)
    state = run(state, TRIAGE, Triage(entry="a", field="priority", value=1), LEA)
    state = run(state, TRIAGE, Triage(entry="a", field="priority", value=5), OLE, now=later)
    a = state.entries["a"]
    assert a.priority == 5
    assert a.history == (Revision("priority", 1, "lea", T0), Revision("priority", 5, "ole", later))


VALID: dict[str, st.SearchStrategy[TriageValue]] = {
    "verdict": st.sampled_from([verdict.value for verdict in Verdict]),
    "priority": st.none() | st.integers(1, 999),
    "owner": st.none() | st.sampled_from(["Lea", "Ole", "Miljøchefen"]),
    "timeline": st.none() | st.sampled_from(["2027-01", "2027-Q2", "2028-12"]),
    "rationale": st.sampled_from(["", "Fordi", "Det haster"]),
}
writes = st.lists(
    st.tuples(
        st.sampled_from([LEA, OLE, FACILITATOR]),
        st.sampled_from(list(VALID)).flatmap(lambda f: st.tuples(st.just(f), VALID[f])),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(script=writes)
def test_concurrent_triage_keeps_the_last_write_per_field_and_every_write_in_history(
    script: list[tuple[Actor, tuple[TriageField, TriageValue]]],
) -> None:
    state = imported()
    last: dict[str, TriageValue] = {"priority": None, "owner": None, "timeline": None}
    last |= {"verdict": None, "rationale": ""}
    accepted: list[tuple[str, TriageValue, str]] = []
    for second, (actor, (field, value)) in enumerate(script):
        now = T0 + timedelta(seconds=second)
        answer = outcome(state, TRIAGE, Triage(entry="a", field=field, value=value), actor, now=now)
        if isinstance(answer, Refusal):
            assert answer.code == "unchanged" and last[field] == value
            continue
        state = fold(state, answer)
        last[field] = value
        accepted.append((field, value, actor.participant_id or "facilitator"))
    a = state.entries["a"]
    verdict = None if a.verdict is None else a.verdict.value
    assert {"verdict": verdict, "priority": a.priority, "owner": a.owner} | {
        "timeline": a.timeline,
        "rationale": a.rationale,
    } == last
    assert [(c.field, c.value, c.by) for c in a.history] == accepted
    assert [c.at for c in a.history] == sorted(c.at for c in a.history)


# --- revealing --------------------------------------------------------------------------


def test_revealing_a_decision_marks_it_and_keeps_the_order_of_reveals() -> None:
    state = triaged(
        a={"verdict": "start_now"}, b={"verdict": "await"}, c={"verdict": "city_council"}
    )
    state = run(state, PANEL, RevealDecision(entry="c"), LEA)
    state = run(state, PANEL, RevealDecision(entry="a"), FACILITATOR)
    assert state.revealed_order == ("c", "a")
    assert [key for key, entry in state.entries.items() if entry.revealed] == ["a", "c"]


def test_only_leaders_and_the_facilitator_reveal() -> None:
    state = triaged(a={"verdict": "start_now"})
    assert refusal(state, PANEL, RevealDecision(entry="a"), ANNA) == "leaders_only"
    assert refusal(state, PANEL, RevealDecision(entry="a"), PROJECTOR) == "read_only"


@pytest.mark.parametrize(
    ("phase", "code"),
    [(None, "not_running"), (TRIAGE, "not_panel"), (DEVELOP, "not_panel"), (TALK, "not_panel")],
    ids=["lobby", "triage", "group-work", "plenum"],
)
def test_decisions_are_revealed_only_in_the_panel(phase: Phase | None, code: str) -> None:
    state = triaged(a={"verdict": "start_now"})
    assert refusal(state, phase, RevealDecision(entry="a"), FACILITATOR) == code


def test_revealing_needs_an_entry_with_a_verdict_revealed_only_once_and_no_pause() -> None:
    state = triaged(a={"verdict": "start_now"}, b={"priority": 1})
    assert refusal(state, PANEL, RevealDecision(entry="zz"), LEA) == "no_entry"
    assert refusal(state, PANEL, RevealDecision(entry="b"), LEA) == "no_verdict"
    assert refusal(state, PANEL, RevealDecision(entry="a"), LEA, paused=True) == "paused"
    state = revealed(state, "a")
    assert refusal(state, PANEL, RevealDecision(entry="a"), OLE) == "already_revealed"
    assert state.revealed_order == ("a",)


# --- reactions and questions ------------------------------------------------------------


def test_a_reaction_toggles_on_and_off() -> None:
    state = on_panel()
    state = run(state, PANEL, React(entry="a", reaction="support"), ANNA)
    assert state.reaction_counts("a") == {"support": 1, "question": 0}
    answer = outcome(state, PANEL, React(entry="a", reaction="support"), ANNA)
    assert not isinstance(answer, Refusal)
    assert answer == [ReactionToggled(at=T0, entry="a", reaction="support", by="anna", on=False)]
    state = fold(state, answer)
    assert state.reaction_counts("a") == {"support": 0, "question": 0}


def test_reactions_count_people_and_kinds_apart() -> None:
    state = on_panel()
    state = run(state, PANEL, React(entry="a", reaction="support"), ANNA)
    state = run(state, PANEL, React(entry="a", reaction="support"), BO)
    state = run(state, PANEL, React(entry="a", reaction="question"), ANNA)
    state = run(state, PANEL, React(entry="a", reaction="question"), LEA)
    assert state.reaction_counts("a") == {"support": 2, "question": 2}
    assert state.reactions["a"]["support"] == {"anna", "bo"}
    assert state.reaction_counts("b") == {"support": 0, "question": 0}


@settings(max_examples=200, deadline=None)
@given(
    script=st.lists(
        st.tuples(st.sampled_from([ANNA, BO, LEA]), st.sampled_from(["support", "question"])),
        max_size=25,
    )
)
def test_a_person_has_a_reaction_exactly_when_they_sent_it_an_odd_number_of_times(
    script: list[tuple[Actor, str]],
) -> None:
    state = on_panel()
    for actor, reaction in script:
        state = run(state, PANEL, React(entry="a", reaction=reaction), actor)
    for reaction in ("support", "question"):
        odd = {
            actor.participant_id
            for actor in (ANNA, BO, LEA)
            if script.count((actor, reaction)) % 2 == 1
        }
        assert state.reactions.get("a", {}).get(reaction, frozenset()) == odd
        assert state.reaction_counts("a")[reaction] == len(odd)


def test_questions_get_the_command_id_and_a_stripped_text() -> None:
    state = on_panel()
    state = run(state, PANEL, AskQuestion(text="  Hvornår starter det? ", entry="a"), ANNA, "q1")
    state = run(state, PANEL, AskQuestion(text="Og resten?"), LEA, "q2")
    assert [(q.id, q.entry, q.text, q.by, q.at) for q in state.questions] == [
        ("q1", "a", "Hvornår starter det?", "anna", T0),
        ("q2", None, "Og resten?", "lea", T0),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_question"), (" \n ", "empty_question"), ("x" * 501, "question_too_long")],
)
def test_a_question_needs_1_to_500_characters(text: str, code: str) -> None:
    assert refusal(on_panel(), PANEL, AskQuestion(text=text), ANNA) == code


def test_a_question_of_500_characters_is_taken_and_an_id_only_once() -> None:
    state = run(on_panel(), PANEL, AskQuestion(text="x" * 500), ANNA, "q1")
    assert len(state.questions[0].text) == 500
    assert refusal(state, PANEL, AskQuestion(text="igen"), BO, "q1") == "duplicate"


ROOM_COMMANDS: list[CatalogueCommand] = [
    React(entry="a", reaction="support"),
    AskQuestion(text="Hvorfor?", entry="a"),
]


@pytest.mark.parametrize("command", ROOM_COMMANDS, ids=lambda c: c.type)
def test_only_participants_and_leaders_react_and_ask(command: CatalogueCommand) -> None:
    assert refusal(on_panel(), PANEL, command, FACILITATOR) == "audience_only"
    assert refusal(on_panel(), PANEL, command, PROJECTOR) == "read_only"
    assert refusal(on_panel(), PANEL, command, Actor(Role.PARTICIPANT)) == "not_joined"


@pytest.mark.parametrize("command", ROOM_COMMANDS, ids=lambda c: c.type)
@pytest.mark.parametrize(
    ("phase", "code"),
    [(None, "not_running"), (TRIAGE, "not_panel"), (DEVELOP, "not_panel")],
    ids=["lobby", "triage", "group-work"],
)
def test_reacting_and_asking_belong_to_the_panel(
    command: CatalogueCommand, phase: Phase | None, code: str
) -> None:
    assert refusal(on_panel(), phase, command, ANNA) == code


@pytest.mark.parametrize("command", ROOM_COMMANDS, ids=lambda c: c.type)
def test_reacting_and_asking_wait_while_the_panel_is_paused(command: CatalogueCommand) -> None:
    assert refusal(on_panel(), PANEL, command, ANNA, paused=True) == "paused"


@pytest.mark.parametrize(
    "command",
    [
        React(entry="b", reaction="question"),
        AskQuestion(text="Hvorfor?", entry="b"),
        React(entry="c", reaction="support"),
    ],
    ids=["react-decided", "ask-decided", "react-undecided"],
)
def test_the_room_reacts_and_asks_only_about_revealed_decisions(command: CatalogueCommand) -> None:
    assert refusal(on_panel(), PANEL, command, ANNA) == "not_revealed"


def test_the_room_cannot_react_to_or_ask_about_an_entry_that_is_not_there() -> None:
    assert refusal(on_panel(), PANEL, React(entry="zz", reaction="support"), BO) == "no_entry"
    assert refusal(on_panel(), PANEL, AskQuestion(text="?", entry="zz"), BO) == "no_entry"


# --- views of the catalogue -------------------------------------------------------------


def test_by_verdict_orders_by_priority_then_import_order_with_unset_priorities_last() -> None:
    state = imported(*(proposal(key) for key in "abcdefg"))
    state = triaged(
        state,
        a={"verdict": "start_now"},
        b={"verdict": "start_now", "priority": 2},
        c={"verdict": "start_now", "priority": 1},
        d={"verdict": "start_now", "priority": 2},
        e={"verdict": "await", "priority": 9},
        f={"priority": 1},
    )
    grouped = state.by_verdict()
    assert list(grouped) == [Verdict.START_NOW, Verdict.CITY_COUNCIL, Verdict.AWAIT]
    assert [entry.id for entry in grouped[Verdict.START_NOW]] == ["c", "b", "d", "a"]
    assert grouped[Verdict.CITY_COUNCIL] == []
    assert [entry.id for entry in grouped[Verdict.AWAIT]] == ["e"]


def test_the_timeline_sorts_months_and_quarters_in_time_with_a_quarter_at_its_first_month() -> None:
    state = imported(*(proposal(key) for key in "abcdefgh"))
    state = triaged(
        state,
        a={"verdict": "start_now", "timeline": "2027-05"},
        b={"verdict": "start_now", "timeline": "2027-Q2"},
        c={"verdict": "start_now", "timeline": "2027-04"},
        d={"verdict": "start_now", "timeline": "2026-12"},
        e={"verdict": "start_now", "timeline": "2027-Q1"},
        f={"verdict": "start_now", "timeline": "2027-04", "priority": 1},
        g={"verdict": "await", "timeline": "2027-01"},
        h={"verdict": "start_now"},
    )
    periods = state.timeline()
    assert list(periods) == ["2026-12", "2027-Q1", "2027-Q2", "2027-04", "2027-05"]
    assert [entry.id for entry in periods["2027-04"]] == ["f", "c"]
    assert all(entry.verdict is Verdict.START_NOW for group in periods.values() for entry in group)


periods = st.builds(
    lambda year, part: f"{year}-{part}",
    st.integers(2020, 2100),
    st.sampled_from([f"{m:02d}" for m in range(1, 13)] + [f"Q{q}" for q in range(1, 5)]),
)


@settings(max_examples=100, deadline=None)
@given(chosen=st.lists(periods, min_size=1, max_size=12))
def test_timeline_periods_come_in_chronological_order(chosen: list[str]) -> None:
    entries = [
        proposal(f"e{i}", verdict=Verdict.START_NOW, timeline=p) for i, p in enumerate(chosen)
    ]
    keys = list(imported(*entries).timeline())
    assert sorted(set(chosen), key=period_key) == keys
    starts = [(int(k[:4]), period_key(k)[1]) for k in keys]
    assert starts == sorted(starts)


def test_period_key_puts_a_quarter_at_its_first_month() -> None:
    assert period_key("2027-Q1")[:2] == period_key("2027-01")[:2] == (2027, 1)
    assert period_key("2027-Q4")[:2] == period_key("2027-10")[:2] == (2027, 10)
    assert period_key("2027-Q4") < period_key("2027-10") < period_key("2027-11")


# --- the wire ---------------------------------------------------------------------------


def _types(*unions: Any) -> list[str]:
    return [str(model.model_fields["type"].default) for union in unions for model in union.__args__]


def test_catalogue_message_types_are_distinct_from_every_other_message_type() -> None:
    mine = _types(catalogue_messages.CatalogueCommand, catalogue_messages.CatalogueEvent)
    others = _types(
        board_messages.BoardCommand,
        board_messages.BoardEvent,
        commands.MachineCommand,
        events.MachineEvent,
    )
    assert len(set(mine)) == len(mine) == 9
    assert not set(mine) & set(others)


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "triage", "entry": "a", "field": "priority", "value": 3}',
        '{"type": "triage", "entry": "a", "field": "owner", "value": null}',
        '{"type": "reveal_decision", "entry": "a"}',
        '{"type": "react", "entry": "a", "reaction": "question"}',
        '{"type": "ask_question", "text": "Hvorfor?"}',
    ],
)
def test_commands_parse_from_the_wire_and_back(raw: str) -> None:
    command = CATALOGUE_COMMANDS.validate_json(raw)
    assert CATALOGUE_COMMANDS.validate_json(CATALOGUE_COMMANDS.dump_json(command)) == command


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "triage", "entry": "a", "field": "colour", "value": "red"}',
        '{"type": "triage", "entry": "a", "field": "priority", "value": true}',
        '{"type": "triage", "entry": "a", "field": "priority", "value": 2.5}',
        '{"type": "react", "entry": "a", "reaction": "applause"}',
        '{"type": "reveal_decision", "entry": "a", "extra": 1}',
    ],
)
def test_malformed_commands_do_not_parse(raw: str) -> None:
    with pytest.raises(ValidationError):
        CATALOGUE_COMMANDS.validate_json(raw)


def test_replaying_the_journal_from_json_rebuilds_the_same_state() -> None:
    journal: list[CatalogueEvent] = list(on_enter(CatalogueState.empty(), TRIAGE, SOURCES, T0))
    state = fold(CatalogueState.empty(), journal)
    script: list[tuple[Phase, CatalogueCommand, Actor]] = [
        (TRIAGE, Triage(entry="a", field="verdict", value="start_now"), LEA),
        (TRIAGE, Triage(entry="a", field="priority", value=2), OLE),
        (TRIAGE, Triage(entry="a", field="timeline", value="2027-Q3"), LEA),
        (PANEL, RevealDecision(entry="a"), FACILITATOR),
        (PANEL, React(entry="a", reaction="support"), ANNA),
        (PANEL, AskQuestion(text="Hvem?", entry="a"), BO),
    ]
    for phase, command, actor in script:
        answer = outcome(state, phase, command, actor)
        assert not isinstance(answer, Refusal), answer
        journal += answer
        state = fold(state, answer)
    replayed = fold(
        CatalogueState.empty(),
        (CATALOGUE_EVENTS.validate_json(CATALOGUE_EVENTS.dump_json(event)) for event in journal),
    )
    assert replayed == state


def test_deciding_leaves_the_state_it_was_given_alone() -> None:
    state = imported()
    before: Entry = state.entries["a"]
    answer = outcome(state, TRIAGE, Triage(entry="a", field="verdict", value="await"), LEA)
    assert not isinstance(answer, Refusal)
    after = fold(state, answer)
    assert state.entries["a"] is before and before.verdict is None
    assert after.entries["a"].verdict is Verdict.AWAIT
