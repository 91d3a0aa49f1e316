"""Commands and events about the people in the room: guests, and who speaks in a plenum.

Guests join with their own code or are marked by the facilitator; either way the core knows a
member's role from its state (``member_role_changed``), not from how they joined.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.core.board_messages import MemberRole

SPEAKERS_LIMIT = 6


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SetGuest(_Message):
    """Marks a member as a guest (``guest`` true) or gives them back the role they joined
    with (a guest who joined with the guest code becomes a participant)."""

    type: Literal["set_guest"] = "set_guest"
    participant: str
    guest: bool


class NameSpeakers(_Message):
    """The members who speak in the current plenum phase, beside the agenda's ``speaker``
    text; an empty list names nobody."""

    type: Literal["name_speakers"] = "name_speakers"
    participants: Annotated[tuple[str, ...], Field(max_length=SPEAKERS_LIMIT)]


PeopleCommand = SetGuest | NameSpeakers


class _Event(_Message):
    at: datetime


class MemberRoleChanged(_Event):
    type: Literal["member_role_changed"] = "member_role_changed"
    participant: str
    role: MemberRole


class SpeakersNamed(_Event):
    type: Literal["speakers_named"] = "speakers_named"
    phase: str  # the plenum phase's key
    speakers: tuple[str, ...]


PeopleEvent = MemberRoleChanged | SpeakersNamed
