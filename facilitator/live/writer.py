"""Where a room's commands are decided and written: one small interface over two paths.

``write`` first tries the optimistic path: decide on the event loop against the room's
state (the core is pure and quick) and write rows, journal entries and receipt in one short
transaction whose compare-and-set on the workshop's seq only succeeds if nobody wrote first
(``store.committer`` runs it where it finishes soonest). Whatever that cannot settle alone
takes the locked path in a worker thread (``live.locked``): a refusal (the room's state may
be stale, or the command a retry answered before), a write another process beat, entering a
phase that imports earlier workshops' proposals, a command with rows of its own.

``durable`` returns once what a command's answer rests on is on disk; the room tells its
sockets before that and answers the sender after (docs/decisions.md, "Durable before the
answer, not before the news").
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core.errors import Refusal
from facilitator.core.workshop import WorkshopState, catalogue_needs, decide
from facilitator.live.changes import MOVES, Accepted, Decided, Moved, Submitted, Written
from facilitator.live.locked import LockedWriter
from facilitator.store import workshops
from facilitator.store.committer import Committer


class Writer:
    def __init__(
        self,
        workshop_id: str,
        agenda: Agenda,
        *,
        engine: Engine,
        clock: Clock,
        committer: Committer,
    ) -> None:
        self.workshop_id = workshop_id
        self.agenda = agenda
        self._clock = clock
        self._committer = committer
        self._locked = LockedWriter(workshop_id, agenda, engine=engine, clock=clock)

    async def write(self, state: WorkshopState, seq: int, submitted: Submitted) -> Written:
        """Decide the command and, if accepted, commit it: the answer, and the room's move."""
        if self._optimistic_may_settle(state, submitted):
            written = await self._optimistic(state, seq, submitted)
            if written is not None:
                return written
        return await asyncio.to_thread(self._locked.apply, state, seq, submitted)

    def follow(self, agenda: Agenda) -> None:
        """Decide from now on against a revised agenda (the room's, as it moved)."""
        self.agenda = agenda
        self._locked.agenda = agenda

    async def durable(self, written: Written) -> None:
        """Return once the commit this answer rests on is on disk. A replay rests on a
        receipt that another process may have written a moment ago: sync again for it."""
        replayed = isinstance(written.outcome, Accepted) and written.outcome.replayed
        await self._committer.durable(again=replayed)

    async def catch_up(self, state: WorkshopState, seq: int) -> Moved | None:
        """What other processes wrote after ``seq`` (a restore if far behind)."""
        return await asyncio.to_thread(self._locked.catch_up, state, seq)

    async def restore(self) -> Moved:
        return await asyncio.to_thread(self._locked.restore)

    def shared_reflections(self) -> Mapping[str, str]:
        """Read in the caller's thread (a room being loaded)."""
        return self._locked.shared_reflections()

    def _optimistic_may_settle(self, state: WorkshopState, submitted: Submitted) -> bool:
        if submitted.extra_rows is not None:
            return False  # rows of its own: written in the locked transaction
        # Entering a phase may import earlier workshops' proposals, which means reading them.
        return not (submitted.command.type in MOVES and catalogue_needs(state, self.agenda))

    async def _optimistic(
        self, state: WorkshopState, seq: int, submitted: Submitted
    ) -> Written | None:
        """Decide on the room's state and write with a compare-and-set; None if that cannot
        settle it (a refusal, a lost race, a receipt that exists already)."""
        now = self._clock()
        command_id = submitted.client_id or uuid.uuid4().hex
        decided = decide(state, self.agenda, submitted.command, submitted.actor, now, command_id)
        if isinstance(decided, Refusal):
            return None  # perhaps a retry of an accepted command, or the state is stale
        change = Decided(
            self.workshop_id, seq, state, decided, submitted.actor, submitted.client_id, now
        )
        try:
            last = await self._committer.run(change.write)
        except (workshops.StaleWriter, IntegrityError):
            return None  # another process wrote first, or this client id has a receipt
        return Written(Accepted(seq=last), change.moved())
