"""The locked write: deciding again inside a transaction that holds the workshop."""

from __future__ import annotations

from sqlalchemy import Engine

from facilitator.agenda import Agenda
from facilitator.core.actors import FACILITATOR
from facilitator.core.commands import Extend, Pause, Start
from facilitator.core.errors import Refusal
from facilitator.core.machine import Status
from facilitator.core.workshop import WorkshopState
from facilitator.live.changes import Accepted, Submitted
from facilitator.live.locked import LockedWriter
from facilitator.store import workshops
from facilitator.store.db import session_scope
from tests.support import FakeClock


def new_workshop(engine: Engine, agenda: Agenda, clock: FakeClock) -> tuple[str, WorkshopState]:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
        return row.id, workshops.restore(session, workshop=row)


def test_a_decision_on_a_stale_state_folds_in_what_was_written_first_and_then_decides(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    workshop_id, lobby = new_workshop(engine, agenda, clock)
    locked = LockedWriter(workshop_id, agenda, engine=engine, clock=clock)
    locked.apply(lobby, 0, Submitted(Start(), FACILITATOR, "start"))  # another process, say

    # In the lobby a pause is refused; what was committed (started) allows it.
    paused = locked.apply(lobby, 0, Submitted(Pause(), FACILITATOR, "pause"))
    outcome, moved = paused.outcome, paused.moved
    assert outcome == Accepted(seq=3)
    assert moved is not None and [seq for seq, _ in moved.events] == [1, 2, 3]
    assert moved.state.machine.status is Status.PAUSED


def test_a_retry_is_answered_from_its_receipt_and_a_refusal_still_brings_the_room_up_to_date(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    workshop_id, lobby = new_workshop(engine, agenda, clock)
    locked = LockedWriter(workshop_id, agenda, engine=engine, clock=clock)
    first = locked.apply(lobby, 0, Submitted(Start(), FACILITATOR, "start"))
    started = first.moved
    assert started is not None and isinstance(first.outcome, Accepted)

    retried = locked.apply(started.state, started.seq, Submitted(Start(), FACILITATOR, "start"))
    again, moved = retried.outcome, retried.moved
    assert again == Accepted(seq=first.outcome.seq, replayed=True) and moved is None

    twice = locked.apply(lobby, 0, Submitted(Start(), FACILITATOR, "start-twice"))
    refused, behind = twice.outcome, twice.moved
    assert isinstance(refused, Refusal) and refused.code == "already_started"
    assert behind is not None and behind.seq == 2  # the room learns what it missed


def test_what_another_process_wrote_is_read_as_events_or_as_a_restore_when_too_far_behind(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    workshop_id, lobby = new_workshop(engine, agenda, clock)
    locked = LockedWriter(workshop_id, agenda, engine=engine, clock=clock)
    assert locked.catch_up(lobby, 0) is None
    locked.apply(lobby, 0, Submitted(Start(), FACILITATOR, "start"))
    locked.apply(lobby, 0, Submitted(Extend(minutes=1), FACILITATOR, "more"))
    missed = locked.catch_up(lobby, 0)
    assert missed is not None and not missed.restored
    assert [seq for seq, _ in missed.events] == [1, 2, 3]
    assert missed.state == locked.restore().state
    assert locked.restore().restored
