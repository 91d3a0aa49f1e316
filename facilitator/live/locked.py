"""The locked write: a command decided again inside a transaction that holds the workshop.

Most commands are decided on the event loop and written with a compare-and-set
(``live.writer``). What that cannot settle alone comes here, to a worker thread: a refusal
(the room's state may be stale, or the command a retry answered before), a write another
process beat, a phase change that imports earlier workshops' proposals, a command with rows
of its own. One transaction locks the workshop's row (SQLite's BEGIN IMMEDIATE already
serialises), folds in what other processes wrote, looks up the receipt, decides and writes.
Also here: reading what other processes wrote, and restoring a workshop from scratch.

Everything here reads its arguments and the database and changes nothing in the room; the
room moves on with what it returns, on the event loop.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core.board_messages import ParticipantJoined
from facilitator.core.errors import Refusal
from facilitator.core.revision import agenda_after
from facilitator.core.workshop import Event, Sources, WorkshopState, catalogue_needs, decide, fold
from facilitator.live.changes import (
    MOVES,
    Accepted,
    Decided,
    Moved,
    Submitted,
    WorkshopNotFound,
    Written,
)
from facilitator.store import catalogue, reflections, workshops
from facilitator.store.db import session_scope

_ATTEMPTS = 20
RECENT = 2000  # events a room keeps in memory; a longer gap is restored, not replayed


class LockedWriter:
    def __init__(self, workshop_id: str, agenda: Agenda, *, engine: Engine, clock: Clock) -> None:
        self.workshop_id = workshop_id
        self.agenda = agenda
        self._engine = engine
        self._clock = clock

    def apply(self, state: WorkshopState, seq: int, submitted: Submitted) -> Written:
        """Decide the command against the committed state and write it if accepted: its
        outcome, and where the room goes (what others wrote first included), if anywhere."""
        caught_up: list[tuple[int, Event]] = []
        base: Agenda | None = None  # the agenda a restore read again, if one did
        for attempt in range(_ATTEMPTS):
            agenda = agenda_after(base or self.agenda, caught_up)
            try:
                written = self._apply_once(state, seq, submitted, agenda)
            except (workshops.StaleWriter, IntegrityError):
                # Rare once the row is locked (a receipt raced in from another process):
                # catch up, wait a little, jittered, and decide again.
                missed = self.catch_up(state, seq)
                if missed is not None:
                    if missed.restored:
                        caught_up, base = [], missed.agenda
                    state, seq, caught_up = missed.state, missed.seq, caught_up + missed.events
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
                continue
            moved = written.moved
            if moved is None:
                behind = Moved(state, seq, caught_up, agenda=base) if caught_up else None
                return Written(written.outcome, self._with_shared(behind))
            joined = Moved(
                moved.state,
                moved.seq,
                caught_up + moved.events,
                moved.restored,
                moved.shared,
                agenda=base,
            )
            return Written(written.outcome, self._with_shared(joined))
        raise RuntimeError(f"workshop {self.workshop_id}: could not claim the next seq")

    def _apply_once(
        self, state: WorkshopState, seq: int, submitted: Submitted, agenda: Agenda
    ) -> Written:
        command, actor, client_id = submitted.command, submitted.actor, submitted.client_id
        with session_scope(self._engine) as session:
            # Writers of one workshop queue on its row (FOR UPDATE; SQLite's BEGIN IMMEDIATE
            # already serialises), so a process that lost the race waits instead of failing,
            # then folds in what the others wrote before it decides.
            caught_up: list[tuple[int, Event]] = []
            if workshops.lock_seq(session, workshop_id=self.workshop_id) != seq:
                caught_up = self._fold_missed(session, seq)
                state = fold(state, (event for _, event in caught_up))
                seq = caught_up[-1][0]
            behind = Moved(state, seq, caught_up) if caught_up else None
            if client_id is not None:
                receipt = workshops.find_receipt(
                    session, workshop_id=self.workshop_id, client_id=client_id
                )
                if receipt is not None:
                    return Written(Accepted(seq=receipt.seq, replayed=True), behind)
            now = self._clock()
            command_id = client_id or uuid.uuid4().hex
            # What others wrote first may have revised the agenda: decide against that one.
            agenda = agenda_after(agenda, caught_up)
            sources = self._sources(session, state, agenda, command.type)
            decided = decide(state, agenda, command, actor, now, command_id, sources)
            if isinstance(decided, Refusal):
                return Written(decided, behind)
            change = Decided(self.workshop_id, seq, state, decided, actor, client_id, now)
            last = change.write(session.connection())
            if submitted.extra_rows is not None:
                submitted.extra_rows(session)
        # Committed: only now may the room believe it.
        moved = change.moved()
        return Written(Accepted(seq=last), Moved(moved.state, last, caught_up + moved.events))

    def _sources(
        self, session: Session, state: WorkshopState, agenda: Agenda, command_type: str
    ) -> Sources:
        """What entering a phase may import from earlier workshops (read only when needed)."""
        needs = catalogue_needs(state, agenda)
        if not needs or command_type not in MOVES:
            return {}
        row = workshops.get_workshop(session, workshop_id=self.workshop_id)
        return {} if row is None else catalogue.sources_for(session, workshop=row, keys=needs)

    def _fold_missed(self, session: Session, seq: int) -> list[tuple[int, Event]]:
        missed = workshops.events_since(session, workshop_id=self.workshop_id, after=seq)
        seqs = [n for n, _ in missed]
        if not seqs or seqs != list(range(seq + 1, seqs[-1] + 1)):
            raise workshops.StaleWriter(self.workshop_id)
        return missed

    def catch_up(self, state: WorkshopState, seq: int) -> Moved | None:
        """What other processes journaled after ``seq`` (a restore if far behind)."""
        with session_scope(self._engine) as session:
            missed = workshops.events_since(
                session, workshop_id=self.workshop_id, after=seq, limit=RECENT
            )
            if not missed:
                return None
            seqs = [n for n, _ in missed]
            if len(missed) < RECENT and seqs == list(range(seq + 1, seqs[-1] + 1)):
                moved = Moved(fold(state, (e for _, e in missed)), seqs[-1], missed)
                return self._with_shared(moved)
        return self.restore()

    def restore(self) -> Moved:
        with session_scope(self._engine) as session:
            row = workshops.get_workshop(session, workshop_id=self.workshop_id)
            if row is None:
                raise WorkshopNotFound(self.workshop_id)
            state = workshops.restore(session, workshop=row)
            shared = reflections.shared_in(session, workshop_id=self.workshop_id)
            agenda = workshops.agenda_of(row)
            return Moved(state, row.seq, [], restored=True, shared=shared, agenda=agenda)

    def shared_reflections(self) -> Mapping[str, str]:
        with session_scope(self._engine) as session:
            return reflections.shared_in(session, workshop_id=self.workshop_id)

    def _with_shared(self, moved: Moved | None) -> Moved | None:
        """The move, with the shared reflections read again if someone joined in it: a
        reflection comes along with its person's row (``web.join``)."""
        if moved is None or moved.shared is not None or not _someone_joined(moved.events):
            return moved
        return Moved(
            moved.state,
            moved.seq,
            moved.events,
            moved.restored,
            self.shared_reflections(),
            agenda=moved.agenda,
        )


def _someone_joined(events: Sequence[tuple[int, Event]]) -> bool:
    return any(type(event) is ParticipantJoined for _, event in events)
