"""The workshop aggregate: routing and the side effects of entering a phase."""

from __future__ import annotations

from datetime import UTC, datetime

from facilitator.agenda import Agenda
from facilitator.core.actors import FACILITATOR
from facilitator.core.board_messages import CreateTheme
from facilitator.core.catalogue_messages import ImportedEntry
from facilitator.core.commands import JumpTo, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import WorkshopState, catalogue_needs, decide, fold

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def started(agenda: Agenda) -> WorkshopState:
    state = WorkshopState.initial([p.minutes for p in agenda.phases])
    events = decide(state, agenda, Start(), FACILITATOR, NOW, "s")
    assert not isinstance(events, Refusal)
    return fold(state, events)


def test_a_theme_on_a_board_the_agenda_does_not_have_is_refused(agenda: Agenda) -> None:
    state = started(agenda)
    refusal = decide(
        state, agenda, CreateTheme(name="Service", board="nowhere"), FACILITATOR, NOW, "t"
    )
    assert isinstance(refusal, Refusal) and refusal.code == "unknown_board"
    assert refusal.render() == "There is no board nowhere."
    known = decide(
        state, agenda, CreateTheme(name="Service", board=agenda.boards[0]), FACILITATOR, NOW, "t"
    )
    assert not isinstance(known, Refusal)


def test_entering_a_catalogue_phase_imports_its_source_once(programme) -> None:  # type: ignore[no-untyped-def]
    agenda = programme.workshop("leaders-catalogue").agenda
    triage = [i for i, p in enumerate(agenda.phases) if p.kind == "leader_triage"]
    sources = {"staff-day-1": [ImportedEntry(id="w:i1", text="Én indgang", origin="staff-day-1")]}
    state = started(agenda)
    assert catalogue_needs(state, agenda) == {"staff-day-1"}
    first = decide(state, agenda, JumpTo(phase=triage[0]), FACILITATOR, NOW, "j", sources)
    assert not isinstance(first, Refusal)
    assert [e.type for e in first] == ["phase_changed", "catalogue_imported"]
    state = fold(state, first)
    assert list(state.catalogue.entries) == ["w:i1"]
    assert catalogue_needs(state, agenda) == set()
    again = decide(state, agenda, JumpTo(phase=triage[1]), FACILITATOR, NOW, "k", sources)
    assert not isinstance(again, Refusal)
    assert [e.type for e in again] == ["phase_changed"]


def test_anonymising_a_member_keeps_their_ideas_and_is_journaled_once(agenda: Agenda) -> None:
    from facilitator.agenda import Role
    from facilitator.core.actors import Actor
    from facilitator.core.board_messages import AnonymiseParticipant, Join, PostIdea

    anna = Actor(Role.PARTICIPANT, "anna")
    state = started(agenda)
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    for command, actor, cid in (
        (Join(name="Anna Hansen", department="miljo"), anna, "anna"),
        (JumpTo(phase=group_work), FACILITATOR, "j"),
        (PostIdea(text="Én indgang"), anna, "idea"),
    ):
        events = decide(state, agenda, command, actor, NOW, cid)
        assert not isinstance(events, Refusal), events
        state = fold(state, events)
    denied = decide(state, agenda, AnonymiseParticipant(participant="anna"), anna, NOW, "x")
    assert isinstance(denied, Refusal) and denied.code == "forbidden"
    erased = decide(state, agenda, AnonymiseParticipant(participant="anna"), FACILITATOR, NOW, "a")
    assert not isinstance(erased, Refusal)
    state = fold(state, erased)
    member = state.board.members["anna"]
    assert (member.name, member.department, member.anonymised) == ("Anonym", "", True)
    assert state.board.ideas["idea"].text == "Én indgang" and state.board.ideas["idea"].anonymous
    twice = decide(state, agenda, AnonymiseParticipant(participant="anna"), FACILITATOR, NOW, "b")
    assert isinstance(twice, Refusal) and twice.code == "unchanged"
