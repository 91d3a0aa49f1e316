"""The service pulse across a programme: every measurement's answers, pseudonymous, and what
they add up to (``core.pulse_results``).

A measurement is over when its workshop closed it or has ended; only then are its results
counted (and only with enough answers). Each answer carries the person's pseudonym
(``store.people``) and role, never a name or a participant id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from facilitator.agenda import Pulse
from facilitator.core.machine import Status
from facilitator.core.pulse_results import ProgrammeResult, programme_result
from facilitator.core.pulse_state import PulseAnswer
from facilitator.store.people import pseudonyms
from facilitator.store.tables import ProgrammeRow, Workshop
from facilitator.store.workshops import restore


@dataclass(frozen=True)
class PulseRecord:
    """One person's answer in one measurement."""

    measurement: str
    workshop: str  # the workshop's key
    person: str  # a pseudonym, the same for the person in every measurement
    role: str  # participant, leader or guest
    answer: PulseAnswer


@dataclass(frozen=True)
class ProgrammePulse:
    pulse: Pulse | None  # None: the programme defines no pulse
    records: tuple[PulseRecord, ...]  # by measurement, in the programme's order
    closed: frozenset[str]  # the measurements that are over
    result: ProgrammeResult | None


def programme_pulse(
    session: Session, *, programme_id: str, salt: str | None = None
) -> ProgrammePulse:
    """Every measurement of the programme (``salt``: see ``store.people.pseudonyms``)."""
    programme = session.get(ProgrammeRow, programme_id)
    raw = programme.spec.get("pulse") if programme is not None else None
    if raw is None:
        return ProgrammePulse(None, (), frozenset(), None)
    pulse = Pulse.model_validate(raw)
    names = pseudonyms(session, programme_id=programme_id, salt=salt)
    workshops = session.exec(
        select(Workshop)
        .where(Workshop.programme_id == programme_id)
        .order_by(col(Workshop.position))
    ).all()
    records: list[PulseRecord] = []
    closed: set[str] = set()
    for workshop in workshops:
        state = restore(session, workshop=workshop)
        ended = state.machine.status is Status.ENDED
        for measurement, given in state.pulse.answers.items():
            if ended or measurement in state.pulse.closed:
                closed.add(measurement)
            for member, answer in given.items():
                role = state.board.members[member].role if member in state.board.members else ""
                person = names.get(member, "P-?")
                records.append(PulseRecord(measurement, workshop.key, person, role, answer))
    order = {m.key: index for index, m in enumerate(pulse.measurements)}
    records.sort(key=lambda record: order.get(record.measurement, len(order)))
    answers: dict[str, dict[str, PulseAnswer]] = {}
    for record in records:
        answers.setdefault(record.measurement, {})[record.person] = record.answer
    result = programme_result(pulse, answers, closed)
    return ProgrammePulse(pulse, tuple(records), frozenset(closed), result)
