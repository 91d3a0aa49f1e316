"""A small agenda with every new kind of phase, and a workshop driven through the aggregate:
shared by the tests of questions, polls, the pulse and guests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from facilitator.agenda import (
    Agenda,
    DayLength,
    GroupWorkPhase,
    Measurement,
    PlenumPhase,
    PollOption,
    PollPhase,
    Pulse,
    PulseItem,
    PulsePhase,
    Recommend,
    Reference,
    Role,
    Scale,
    Text,
    VotePhase,
)
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import COMMANDS, Event, WorkshopState, decide, evolve

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)


def text(words: str) -> Text:
    return Text(da=words, en=words)


PULSE = Pulse(
    scale=tuple(text(label) for label in ("1", "2", "3", "4", "5")),
    items=(
        PulseItem(
            key="overall",
            text=text("Samlet"),
            reference=Reference(value=3.4, label=text("Ekstern")),
        ),
        PulseItem(key="cases", text=text("Sager")),
    ),
    recommend=Recommend(question=text("Anbefal?"), low=text("Nej"), high=text("Ja")),
    why=text("Hvorfor?"),
    minimum_answers=3,
    measurements=(
        Measurement(key="baseline", title=text("Start")),
        Measurement(key="end", title=text("Slut"), compare_to="baseline"),
    ),
)
OPTIONS = tuple(PollOption(key=key, label=text(key)) for key in ("one-door", "contact", "as-today"))
PHASES = (
    PlenumPhase(key="talk", title=text("Oplæg"), minutes=20),
    PlenumPhase(
        key="guests",
        title=text("Gæster"),
        minutes=20,
        anonymous_questions=True,
        moderated_questions=True,
    ),
    PlenumPhase(key="silent", title=text("Stille"), minutes=10, questions=False),
    PollPhase(key="model", title=text("Model"), minutes=10, question=text("?"), options=OPTIONS),
    PollPhase(
        key="several",
        title=text("Flere"),
        minutes=10,
        question=text("?"),
        answer="multiple",
        options=OPTIONS,
        max_choices=2,
    ),
    PollPhase(
        key="scale",
        title=text("Skala"),
        minutes=10,
        question=text("?"),
        answer="scale",
        scale=Scale(low=text("lav"), high=text("høj")),
    ),
    PollPhase(
        key="words",
        title=text("Ord"),
        minutes=10,
        question=text("?"),
        answer="text",
        actors=(Role.PARTICIPANT, Role.LEADER, Role.GUEST),
    ),
    PulsePhase(key="pulse", title=text("Puls"), minutes=10, measurement="baseline"),
    GroupWorkPhase(key="work", title=text("Arbejde"), minutes=30, board="ideas", group_size=5),
    VotePhase(key="dots", title=text("Prikker"), minutes=10, board="ideas"),
)
AGENDA = Agenda(
    key="plenary",
    title=text("Test"),
    length=DayLength.FULL_DAY,
    audience="staff",
    phases=PHASES,
    pulse=PULSE,
)
INDEX = {phase.key: index for index, phase in enumerate(PHASES)}


def participant(pid: str) -> Actor:
    return Actor(Role.PARTICIPANT, pid)


def guest(pid: str) -> Actor:
    return Actor(Role.GUEST, pid)


class Workshop:
    """One workshop of ``AGENDA``, moved on by the aggregate's ``decide`` and ``evolve``."""

    def __init__(self, agenda: Agenda = AGENDA) -> None:
        self.agenda = agenda
        self.state = WorkshopState.initial([p.minutes for p in agenda.phases])
        self.now = T0
        self.ids = 0

    def send(self, actor: Actor, cid: str | None = None, **fields: Any) -> list[Event] | Refusal:
        """The command (its fields as on the wire), decided and, if accepted, applied; ``cid``
        is its client-made id (the id of what it creates), a fresh one if not given."""
        self.ids += 1
        self.now += timedelta(seconds=1)
        command = COMMANDS.validate_python(fields)
        made = cid or f"c{self.ids}"
        decided = decide(self.state, self.agenda, command, actor, self.now, made)
        if not isinstance(decided, Refusal):
            for event in decided:
                self.state = evolve(self.state, event)
        return decided

    def ok(self, actor: Actor, cid: str | None = None, **fields: Any) -> list[Event]:
        decided = self.send(actor, cid, **fields)
        assert not isinstance(decided, Refusal), (fields, decided)
        return decided

    def refused(self, actor: Actor, cid: str | None = None, **fields: Any) -> str:
        """The code of the refusal, after checking that nothing changed."""
        before = self.state
        decided = self.send(actor, cid, **fields)
        assert isinstance(decided, Refusal), (fields, decided)
        assert decided.render() and decided.code != "refused"
        assert self.state == before
        return decided.code

    def join(self, actor: Actor, name: str = "", department: str = "miljo") -> str:
        pid = actor.participant_id
        assert pid is not None
        self.send(actor, pid, type="join", name=name or pid, department=department)
        return pid

    def at(self, key: str) -> None:
        """Start if need be, and jump to the phase."""
        if self.state.machine.phase is None:
            self.ok(FACILITATOR, type="start")
        if self.state.machine.phase != INDEX[key]:
            self.ok(FACILITATOR, type="jump", phase=INDEX[key])
