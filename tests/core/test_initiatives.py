"""What became of the decisions: the outcome is published once the panel is over, and then
the leaders (and the facilitator) tell how each decision is getting on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from facilitator.agenda import Agenda, LeaderPanelPhase, Programme, Role
from facilitator.core import outcome
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.catalogue_messages import ImportedEntry, RevealDecision, Verdict
from facilitator.core.commands import End, JumpTo, Next, Start
from facilitator.core.initiatives import NOTE_LIMIT, UpdateInitiative
from facilitator.core.workshop import Command, WorkshopState, decide, fold
from tests.core.decisions import accepted, refused

NOW = datetime(2027, 3, 1, 10, tzinfo=UTC)
LEADER = Actor(Role.LEADER, "leader")
ENTRIES = [
    ImportedEntry(id="w:a", text="Én indgang", origin="staff-day-1", verdict=Verdict.START_NOW),
    ImportedEntry(id="w:b", text="Fast kontakt", origin="staff-day-1", verdict=Verdict.AWAIT),
    ImportedEntry(id="w:c", text="Ingen beslutning", origin="staff-day-1"),
]


@pytest.fixture
def day2(programme: Programme) -> Agenda:
    return programme.workshop("staff-day-2").agenda


def panel_index(agenda: Agenda) -> int:
    return next(i for i, p in enumerate(agenda.phases) if isinstance(p, LeaderPanelPhase))


def run(state: WorkshopState, agenda: Agenda, *commands: Command) -> WorkshopState:
    sources = {"staff-day-1": ENTRIES}
    for command in commands:
        state = fold(
            state, accepted(decide(state, agenda, command, FACILITATOR, NOW, "c", sources))
        )
    return state


def in_panel(agenda: Agenda) -> WorkshopState:
    state = WorkshopState.initial([p.minutes for p in agenda.phases])
    return run(state, agenda, Start(), JumpTo(phase=panel_index(agenda)))


def test_the_outcome_is_published_when_the_panel_is_over(day2: Agenda) -> None:
    state = in_panel(day2)
    assert set(state.catalogue.entries) == {"w:a", "w:b", "w:c"}
    assert not outcome.published(state.machine, day2)
    assert outcome.visible(state.catalogue, is_published=False) == []
    state = run(state, day2, RevealDecision(entry="w:a"))
    assert [e.id for e in outcome.visible(state.catalogue, is_published=False)] == ["w:a"]
    after = run(state, day2, Next())
    assert outcome.published(after.machine, day2)
    # Every decided proposal, revealed or not; never one without a decision.
    assert [e.id for e in outcome.visible(after.catalogue, is_published=True)] == ["w:a", "w:b"]


def test_an_ended_workshop_has_published_its_outcome(day2: Agenda) -> None:
    state = run(WorkshopState.initial([p.minutes for p in day2.phases]), day2, Start(), End())
    assert outcome.published(state.machine, day2)
    assert not outcome.published(WorkshopState.initial([1]).machine, day2)


def test_leaders_tell_what_became_of_a_decision_after_the_panel(day2: Agenda) -> None:
    state = in_panel(day2)
    update = UpdateInitiative(entry="w:a", status="started", note="  Første møde holdt  ")
    assert refused(decide(state, day2, update, LEADER, NOW, "u")) == "not_published"
    state = run(state, day2, End())
    events = accepted(decide(state, day2, update, LEADER, NOW, "u"))
    state = fold(state, events)
    latest = state.initiatives.latest("w:a")
    assert latest is not None and (latest.status, latest.note, latest.by) == (
        "started",
        "Første møde holdt",
        "leader",
    )
    assert refused(decide(state, day2, update, LEADER, NOW, "u")) == "unchanged"
    done = UpdateInitiative(entry="w:a", status="done")
    state = fold(state, accepted(decide(state, day2, done, FACILITATOR, NOW, "v")))
    assert [u.status for u in state.initiatives.updates["w:a"]] == ["started", "done"]


@pytest.mark.parametrize(
    ("actor", "command", "code"),
    [
        (
            Actor(Role.PARTICIPANT, "p"),
            UpdateInitiative(entry="w:a", status="done"),
            "leaders_only",
        ),
        (Actor(Role.GUEST, "g"), UpdateInitiative(entry="w:a", status="done"), "leaders_only"),
        (Actor(Role.PROJECTOR), UpdateInitiative(entry="w:a", status="done"), "read_only"),
        (LEADER, UpdateInitiative(entry="nope", status="done"), "no_entry"),
        (LEADER, UpdateInitiative(entry="w:c", status="done"), "undecided"),
        (LEADER, UpdateInitiative(entry="w:a", status="finished"), "bad_status"),
        (
            LEADER,
            UpdateInitiative(entry="w:a", status="done", note="x" * (NOTE_LIMIT + 1)),
            "note_too_long",
        ),
        (LEADER, UpdateInitiative(entry="w:a", status="done", note="\x00"), "bad_characters"),
    ],
)
def test_refusals(day2: Agenda, actor: Actor, command: UpdateInitiative, code: str) -> None:
    state = run(in_panel(day2), day2, End())
    assert refused(decide(state, day2, command, actor, NOW, "u")) == code


def test_an_update_is_a_command_clients_may_send() -> None:
    from facilitator.core.workshop import COMMANDS

    parsed = COMMANDS.validate_python(
        {"type": "update_initiative", "entry": "w:a", "status": "done"}
    )
    assert parsed == UpdateInitiative(entry="w:a", status="done", note="")
