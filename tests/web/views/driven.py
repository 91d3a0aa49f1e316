"""A staff day driven through the core as a room would, for the console's and the people's
view tests: four people of two departments, and a workshop row to render with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from facilitator.agenda import Agenda, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import Join
from facilitator.core.commands import JumpTo, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, WorkshopState, decide, fold
from facilitator.store.tables import Workshop
from facilitator.web.views.board import board_context
from facilitator.web.views.screens import Scene

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
DEPARTMENTS = {
    "miljo": {"da": "Miljø", "en": "Environment"},
    "plan-og-byg": {"da": "Plan og Byg", "en": "Planning and Building"},
}
PEOPLE = {"anna": "miljo", "bo": "plan-og-byg", "cai": "miljo", "dorte": "plan-og-byg"}
ROW = Workshop(
    id="a" * 32,
    programme_id="p" * 32,
    key="staff-day-1",
    agenda={},
    join_code="JOIN42",
    leader_code="LEAD42",
    guest_code="GUEST4",
    facilitator_token="f" * 24,
    projector_token="p" * 24,
)


class Day:
    """A workshop driven through the core, as a room would."""

    def __init__(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self.state = WorkshopState.initial([p.minutes for p in agenda.phases])
        self.n = 0
        for person, department in PEOPLE.items():
            self.do(Join(name=person.title(), department=department), person, person)

    def do(self, command: Command, who: str | None = None, made: str | None = None) -> str:
        """Apply ``command`` (from member ``who``, else the facilitator); the id it makes."""
        self.n += 1
        made = made or f"c{self.n}"
        actor = FACILITATOR if who is None else Actor(Role.PARTICIPANT, who)
        decided = decide(self.state, self.agenda, command, actor, T0, made)
        assert not isinstance(decided, Refusal), decided
        self.state = fold(self.state, decided)
        return made

    def go(self, key: str) -> None:
        if self.state.machine.phase is None:
            self.do(Start())
        index = next(i for i, p in enumerate(self.agenda.phases) if p.key == key)
        if self.state.machine.phase != index:
            self.do(JumpTo(phase=index))

    def scene(self, online: frozenset[str] = frozenset()) -> Scene:
        return Scene(self.state, self.agenda, online, DEPARTMENTS, {})

    def board(self) -> dict[str, Any]:
        return board_context(self.state, self.agenda, FACILITATOR, None)
