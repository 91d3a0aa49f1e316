"""The tables: the workshop's clocks, people and reflections as rows, and the journal.

The agenda's clocks are restored from their rows; boards and the catalogue are folded from
the journal (docs/decisions.md, "Boards and catalogue are restored by folding the journal").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

from facilitator.store.types import UTCDateTime


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for statements that skip the ORM's unit of work."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class ProgrammeRow(SQLModel, table=True):
    """A programme as created: its spec as loaded (the workshops are rows of their own)."""

    __tablename__ = "programme"
    id: str = Field(primary_key=True, max_length=32)
    key: str = Field(index=True, max_length=80)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # programme as loaded
    created_at: datetime = _when()
    # Put away on the facilitator's home page: listed apart, its data kept (migration 0005).
    archived_at: datetime | None = _when(nullable=True)


class Workshop(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=32)
    programme_id: str | None = Field(default=None, foreign_key="programme.id", index=True)
    position: int = 0  # order within the programme
    key: str = Field(max_length=80)
    agenda: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # snapshot at creation
    join_code: str = Field(unique=True, max_length=16)
    leader_code: str = Field(unique=True, max_length=16)
    # Guests (say, the business leaders who speak) join with their own code. Workshops made
    # before there were guests got one when the column came (migration 0004).
    guest_code: str | None = Field(default=None, unique=True, max_length=16)
    facilitator_token: str = Field(max_length=64)
    projector_token: str = Field(max_length=64)
    status: str = Field(default="lobby", max_length=16)
    phase: int | None = None
    since: datetime | None = _when(nullable=True)
    seq: int = 0  # the last journal sequence number
    created_at: datetime = _when()
    # When the workshop is planned to begin (the schedule's clock times count from it), and
    # how many times its agenda was revised (core.revision): migration 0005.
    starts_at: datetime | None = _when(nullable=True)
    agenda_version: int = 0


class PhaseRun(SQLModel, table=True):
    """One phase's clock within a workshop: its budget, use, visits and pauses."""

    __tablename__ = "phase_run"
    workshop_id: str = Field(foreign_key="workshop.id", primary_key=True, max_length=32)
    phase: int = Field(primary_key=True)
    planned: int
    extra: int = 0
    used: float = 0.0
    pauses: int = 0
    started_at: datetime | None = _when(nullable=True)
    ended_at: datetime | None = _when(nullable=True)


class JournalEntry(SQLModel, table=True):
    """Append-only. (workshop_id, seq) is the primary key: gaps are impossible to skip
    silently and a stale writer in another process fails on insert and retries."""

    __tablename__ = "journal"
    workshop_id: str = Field(foreign_key="workshop.id", primary_key=True, max_length=32)
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=40)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    actor_role: str = Field(max_length=16)
    actor_id: str | None = Field(default=None, max_length=32)
    at: datetime = _when()


class Receipt(SQLModel, table=True):
    """The first answer to a client-made command id, so a retry is answered, not re-applied."""

    __table_args__ = (UniqueConstraint("workshop_id", "client_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", max_length=32)
    client_id: str = Field(max_length=64)
    seq: int
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    at: datetime = _when()


class Participant(SQLModel, table=True):
    """A person in a programme; no account, recognised by a token kept in a cookie."""

    id: str = Field(primary_key=True, max_length=32)
    programme_id: str | None = Field(default=None, foreign_key="programme.id", index=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    name: str = Field(max_length=80)
    department: str = Field(default="", max_length=80)
    role: str = Field(default="participant", max_length=16)
    token: str = Field(unique=True, max_length=64)
    # The home reflection this person brings to a later workshop (set when they join it).
    reflection_id: str | None = Field(default=None, max_length=32)
    # The person's pseudonym across the programme: the same on every row of theirs that a
    # device proved to continue an earlier one (store.people.link_person), so the pulse can
    # show change without names. None on rows nobody linked yet (store.people reads links).
    person: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = _when()


class Reflection(SQLModel, table=True):
    """A person's home reflection: private, saved as they type, read again on day 2.

    Not journaled: nobody else sees it, so there is nothing to fan out; the row is the truth.
    """

    id: str = Field(primary_key=True, max_length=32)
    programme_id: str | None = Field(default=None, foreign_key="programme.id", index=True)
    workshop_id: str = Field(foreign_key="workshop.id", max_length=32)  # where it was set
    participant_id: str = Field(foreign_key="participant.id", unique=True, max_length=32)
    token: str = Field(unique=True, max_length=64)  # the private link
    prompt: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # {da, en}
    text: str = Field(default="", max_length=5000)
    share: bool = False  # "share with my group on day 2"
    created_at: datetime = _when()
    updated_at: datetime = _when()


class RecoveryLink(SQLModel, table=True):
    """A one-time link the facilitator makes for a person who lost their phone.

    Only a hash of the link's secret is kept. Opening it once, before it expires, moves the
    person's identity to the device that opened it (their old tokens stop working).
    """

    __tablename__ = "recovery_link"
    token_hash: str = Field(primary_key=True, max_length=64)  # SHA-256 of the secret, in hex
    participant_id: str = Field(foreign_key="participant.id", index=True, max_length=32)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class HomeLink(SQLModel, table=True):
    """A one-time link into the facilitator's home page (``store.home``): printed by
    ``facilitator serve`` at first start and by ``facilitator links``. Only its hash is kept."""

    __tablename__ = "home_link"
    token_hash: str = Field(primary_key=True, max_length=64)  # SHA-256 of the secret, in hex
    created_at: datetime = _when()
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class HomeSession(SQLModel, table=True):
    """A browser signed in to the facilitator's home page (its cookie's hash)."""

    __tablename__ = "home_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    created_at: datetime = _when()
    expires_at: datetime = _when()
