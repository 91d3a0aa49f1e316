"""Data functions for workshops: create, find, restore, and record a decided change.

``record`` writes the changed rows, the journal entries and the command's receipt in the
caller's transaction, so they commit together or not at all.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, delete, event, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute, defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from facilitator.agenda import Agenda
from facilitator.core.actors import Actor
from facilitator.core.events import AgendaRevised, MachineEvent
from facilitator.core.machine import MachineState, PhaseClock, Status
from facilitator.core.text import scrubbed_value, storable_value
from facilitator.core.workshop import EVENTS, Event, WorkshopState, fold
from facilitator.store.prepared import Count, Prepared, batched
from facilitator.store.tables import (
    JournalEntry,
    Participant,
    PhaseRun,
    ProgrammeRow,
    Receipt,
    Workshop,
    table_of,
)

_MACHINE_EVENT_TYPES = tuple(
    choice.model_fields["type"].default for choice in MachineEvent.__args__
)

# No 0/O, 1/I/L: codes are read off a wall and typed on a phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 6


class StaleWriter(Exception):
    """Another process advanced the workshop first; reload and decide again."""


def new_id() -> str:
    return uuid.uuid4().hex


def new_code(length: int = _CODE_LENGTH) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def _as_code(code: str) -> str | None:
    """A join or leader code as stored (upper-case, no surrounding space), or None if it
    cannot be one: then nothing is looked up."""
    code = code.strip().upper()
    if len(code) != _CODE_LENGTH or any(char not in _CODE_ALPHABET for char in code):
        return None
    return code


def create_workshop(
    session: Session,
    *,
    agenda: Agenda,
    now: datetime,
    programme_id: str | None = None,
    position: int = 0,
) -> Workshop:
    workshop = Workshop(
        id=new_id(),
        programme_id=programme_id,
        position=position,
        key=agenda.key,
        agenda=agenda.model_dump(mode="json"),
        join_code=new_code(),
        leader_code=new_code(),
        guest_code=new_code(),
        facilitator_token=secrets.token_urlsafe(24),
        projector_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    session.add(workshop)
    session.flush()  # the phase rows reference it; no ORM relationship orders the inserts
    for index, phase in enumerate(agenda.phases):
        session.add(PhaseRun(workshop_id=workshop.id, phase=index, planned=60 * phase.minutes))
    session.flush()
    return workshop


def get_workshop(session: Session, *, workshop_id: str) -> Workshop | None:
    return session.get(Workshop, workshop_id)


def get_workshop_head(session: Session, *, workshop_id: str) -> Workshop | None:
    """The workshop's row without its agenda snapshot: what an open socket keeps (the room
    holds the agenda). The snapshot, parsed, was 28 KB per socket; read after the session
    it raises instead of loading (the attribute is deferred)."""
    agenda = cast("QueryableAttribute[Any]", Workshop.agenda)  # a column, as SQLAlchemy sees it
    query = select(Workshop).where(Workshop.id == workshop_id).options(defer(agenda))
    return session.exec(query).first()


def workshop_by_join_code(session: Session, *, code: str) -> Workshop | None:
    shaped = _as_code(code)
    if shaped is None:
        return None
    return session.exec(select(Workshop).where(Workshop.join_code == shaped)).first()


def agenda_of(workshop: Workshop) -> Agenda:
    return Agenda.model_validate(workshop.agenda)


def machine_of(session: Session, *, workshop: Workshop) -> MachineState:
    """A workshop's agenda clocks as committed, from its rows (no journal is read)."""
    runs = session.exec(
        select(PhaseRun).where(PhaseRun.workshop_id == workshop.id).order_by(col(PhaseRun.phase))
    ).all()
    clocks = tuple(
        PhaseClock(
            planned=run.planned,
            extra=run.extra,
            used=run.used,
            started_at=run.started_at,
            ended_at=run.ended_at,
            pauses=run.pauses,
        )
        for run in runs
    )
    return MachineState(
        Status(workshop.status), workshop.phase, workshop.since, clocks, workshop.agenda_version
    )


def restore(session: Session, *, workshop: Workshop) -> WorkshopState:
    """The workshop's state exactly as last committed."""
    machine = machine_of(session, workshop=workshop)
    # Boards and catalogue are rebuilt from their journal entries (a short fold per workshop
    # day); the agenda's clocks come from their rows.
    entries = session.exec(
        select(JournalEntry)
        .where(
            JournalEntry.workshop_id == workshop.id,
            col(JournalEntry.type).not_in(_MACHINE_EVENT_TYPES),
        )
        .order_by(col(JournalEntry.seq))
    )
    state = WorkshopState.initial([])
    state = replace(state, machine=machine)
    return fold(state, (EVENTS.validate_python(_event_fields(entry)) for entry in entries))


def _event_fields(entry: JournalEntry) -> dict[str, Any]:
    # The payload as loaded: scrubbed of what cannot be shown (``_scrub_on_load``).
    return {**entry.payload, "type": entry.type, "at": entry.at}


@event.listens_for(JournalEntry, "load")
def _scrub_on_load(entry: JournalEntry, _context: object) -> None:
    """Entries written before the edge refused unstorable text (core/text.py) may hold
    some: every reader (the fold, catching up, a person's own data) gets it with U+FFFD in
    its place, so pages, sockets and exports show it, and the facilitator can remove the
    idea. In memory only: the stored entry stays as it was."""
    if not storable_value(entry.payload):
        set_committed_value(entry, "payload", scrubbed_value(entry.payload))


def events_since(
    session: Session, *, workshop_id: str, after: int, limit: int = 1000
) -> list[tuple[int, Event]]:
    """Journal entries after ``after`` as events, in order (at most ``limit``)."""
    statement = (
        select(JournalEntry)
        .where(JournalEntry.workshop_id == workshop_id, col(JournalEntry.seq) > after)
        .order_by(col(JournalEntry.seq))
        .limit(limit)
    )
    return [
        (entry.seq, EVENTS.validate_python(_event_fields(entry)))
        for entry in session.exec(statement)
    ]


def lock_seq(session: Session, *, workshop_id: str) -> int | None:
    """The workshop's last seq, its row locked until the transaction ends (no-op on SQLite,
    whose BEGIN IMMEDIATE already holds the database's write lock)."""
    statement = select(Workshop.seq).where(Workshop.id == workshop_id).with_for_update()
    return session.exec(statement).first()


def find_receipt(session: Session, *, workshop_id: str, client_id: str) -> Receipt | None:
    statement = select(Receipt).where(
        Receipt.workshop_id == workshop_id, Receipt.client_id == client_id
    )
    return session.exec(statement).first()


def record(
    connection: Connection,
    *,
    workshop_id: str,
    seq: int,
    before: WorkshopState,
    after: WorkshopState,
    events: Sequence[Event],
    actor: Actor,
    client_id: str | None,
    now: datetime,
) -> int:
    """Write one decided command in the caller's transaction. Returns the new last seq.

    Prepared statements (``store.prepared``): a command is written on every post and vote,
    and the ORM's unit of work cost several times the commit itself. Raises StaleWriter
    when the workshop's seq is no longer ``seq`` (another process won), and IntegrityError
    when the client id already has a receipt (a retry that raced in).
    """
    last = seq + len(events)
    machine = after.machine
    revised = [event for event in events if isinstance(event, AgendaRevised)]
    kept = min((event.kept for event in revised), default=len(machine.clocks))
    claimed: Count | None = None
    try:
        with batched(connection):  # one round trip to PostgreSQL; the claim checked after it
            claimed = _CLAIM.start(
                connection,
                {
                    "workshop": workshop_id,
                    "old": seq,
                    "new": last,
                    "status": machine.status.value,
                    "phase": machine.phase,
                    "since": machine.since,
                },
            )
            _write_changed_clocks(connection, workshop_id, before.machine, machine, upto=kept)
            _JOURNAL.run_many(
                connection,
                [
                    {
                        "workshop_id": workshop_id,
                        "seq": seq + offset,
                        "type": event.type,
                        "payload": event.model_dump(mode="json", exclude={"type", "at"}),
                        "actor_role": actor.role.value,
                        "actor_id": actor.participant_id,
                        "at": event.at,
                    }
                    for offset, event in enumerate(events, start=1)
                ],
            )
            if client_id is not None:
                _RECEIPT.run(
                    connection,
                    {
                        "workshop_id": workshop_id,
                        "client_id": client_id,
                        "seq": last,
                        "result": {"seq": last},
                        "at": now,
                    },
                )
    except IntegrityError:
        # A writer that lost the race also collides with the winner's journal entries.
        if claimed is not None and int(claimed) != 1:
            raise StaleWriter(workshop_id) from None
        raise
    if int(claimed) != 1:
        raise StaleWriter(workshop_id)  # the transaction is rolled back, the rows with it
    if revised:
        _write_revision(connection, workshop_id, revised[-1], machine)
    return last


_WORKSHOP = table_of(Workshop)
_PHASE_RUN = table_of(PhaseRun)
_CLAIM = Prepared(
    update(_WORKSHOP)
    .where(_WORKSHOP.c.id == bindparam("workshop"), _WORKSHOP.c.seq == bindparam("old"))
    .values(
        seq=bindparam("new"),
        status=bindparam("status"),
        phase=bindparam("phase"),
        since=bindparam("since"),
    )
)
_CLOCK = Prepared(
    update(_PHASE_RUN)
    .where(
        _PHASE_RUN.c.workshop_id == bindparam("workshop"),
        _PHASE_RUN.c.phase == bindparam("index"),
    )
    .values(
        extra=bindparam("extra"),
        used=bindparam("used"),
        pauses=bindparam("pauses"),
        started_at=bindparam("started"),
        ended_at=bindparam("ended"),
    )
)
_JOURNAL = Prepared(
    insert(table_of(JournalEntry)),
    ["workshop_id", "seq", "type", "payload", "actor_role", "actor_id", "at"],
)
_RECEIPT = Prepared(insert(table_of(Receipt)), ["workshop_id", "client_id", "seq", "result", "at"])


def _write_revision(
    connection: Connection, workshop_id: str, event: AgendaRevised, after: MachineState
) -> None:
    """A revised agenda: the workshop's agenda and version, and the clocks of the phases after
    the kept ones made anew (not a hot path: plain statements)."""
    connection.execute(
        update(_WORKSHOP)
        .where(_WORKSHOP.c.id == workshop_id)
        .values(agenda=event.agenda.model_dump(mode="json"), agenda_version=event.version)
    )
    connection.execute(
        delete(_PHASE_RUN).where(
            _PHASE_RUN.c.workshop_id == workshop_id, _PHASE_RUN.c.phase >= event.kept
        )
    )
    fresh = [
        {"workshop_id": workshop_id, "phase": index, "planned": clock.planned}
        for index, clock in enumerate(after.clocks)
        if index >= event.kept
    ]
    if fresh:
        connection.execute(insert(_PHASE_RUN), fresh)


def _write_changed_clocks(
    connection: Connection,
    workshop_id: str,
    before: MachineState,
    after: MachineState,
    *,
    upto: int,
) -> None:
    """The clocks that changed, of the first ``upto`` phases (a revision wrote the others)."""
    pairs = zip(before.clocks[:upto], after.clocks[:upto], strict=True)
    for index, (old, new) in enumerate(pairs):
        if old == new:
            continue
        _CLOCK.run(
            connection,
            {
                "workshop": workshop_id,
                "index": index,
                "extra": new.extra,
                "used": new.used,
                "pauses": new.pauses,
                "started": new.started_at,
                "ended": new.ended_at,
            },
        )


def participant_by_token(session: Session, *, workshop_id: str, token: str) -> Participant | None:
    statement = select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.token == token
    )
    return session.exec(statement).first()


def workshop_by_any_code(session: Session, *, code: str) -> tuple[Workshop, str] | None:
    """The workshop a join code (role participant), leader code (role leader) or guest code
    (role guest) opens."""
    shaped = _as_code(code)
    if shaped is None:
        return None
    code = shaped
    found = session.exec(select(Workshop).where(Workshop.join_code == code)).first()
    if found is not None:
        return found, "participant"
    found = session.exec(select(Workshop).where(Workshop.leader_code == code)).first()
    if found is not None:
        return found, "leader"
    found = session.exec(select(Workshop).where(Workshop.guest_code == code)).first()
    return (found, "guest") if found is not None else None


def titles_of(session: Session, *, workshop: Workshop) -> dict[str, dict[str, str]]:
    """The titles of the workshops of this one's programme (key → title in each language):
    where a catalogue entry came from, said in words."""
    if workshop.programme_id is None:
        return {}
    rows = session.exec(
        select(Workshop)
        .where(Workshop.programme_id == workshop.programme_id)
        .order_by(col(Workshop.position))
    )
    return {row.key: dict(row.agenda.get("title") or {}) for row in rows}


def departments_of(session: Session, *, workshop: Workshop) -> dict[str, dict[str, str]]:
    """The programme's departments: key → name in each language."""
    programme = session.get(ProgrammeRow, workshop.programme_id) if workshop.programme_id else None
    if programme is None:
        return {}
    return {d["key"]: d["name"] for d in programme.spec.get("departments", [])}
