"""The rules about people: marking guests, and naming who speaks in a plenum.

Both are the facilitator's. A guest has no department and is not placed in the staff's groups
unless the facilitator says so (``form_groups`` with ``guests``); the role a member has now is
the core's to know, so a guest marked by the facilitator is one for every rule at once.
"""

from __future__ import annotations

from datetime import datetime

from facilitator.agenda import Phase, PlenumPhase, Role
from facilitator.core import board_rules as rules
from facilitator.core.actors import Actor
from facilitator.core.board_messages import BoardEvent, Join, MemberRole, ParticipantJoined
from facilitator.core.board_state import BoardState
from facilitator.core.errors import CONFLICT, NOT_ALLOWED, Refusal
from facilitator.core.people_messages import (
    MemberRoleChanged,
    NameSpeakers,
    PeopleCommand,
    PeopleEvent,
    SetGuest,
    SpeakersNamed,
)

_JOINERS = (Role.PARTICIPANT, Role.LEADER, Role.GUEST)

NOT_PLENUM = Refusal("Speakers belong to a plenum phase.", code="not_plenum", kind=CONFLICT)
GUESTS_PHASE = Refusal(
    "Guests do not take part in this phase.", code="guests_phase", kind=NOT_ALLOWED
)


def decide(
    state: BoardState, phase: Phase | None, command: PeopleCommand, actor: Actor, now: datetime
) -> list[PeopleEvent] | Refusal:
    if actor.role is Role.PROJECTOR:
        return rules.READ_ONLY
    if not actor.is_facilitator:
        return rules.FORBIDDEN
    match command:
        case SetGuest(participant=pid, guest=guest):
            member = state.members.get(pid)
            if member is None:
                return rules.NO_PARTICIPANT
            if member.guest is guest:
                return rules.UNCHANGED
            back = member.original_role
            role = "guest" if guest else ("participant" if back == "guest" else back)
            return [MemberRoleChanged(at=now, participant=pid, role=role)]
        case NameSpeakers(participants=named):
            if phase is None:
                return rules.NOT_RUNNING
            if not isinstance(phase, PlenumPhase):
                return NOT_PLENUM
            speakers = tuple(dict.fromkeys(named))
            if any(pid not in state.members for pid in speakers):
                return rules.NO_PARTICIPANT
            if state.speakers.get(phase.key, ()) == speakers:
                return rules.UNCHANGED
            return [SpeakersNamed(at=now, phase=phase.key, speakers=speakers)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def join(
    state: BoardState, command: Join, actor: Actor, now: datetime, command_id: str
) -> list[BoardEvent] | Refusal:
    """A participant, leader or guest joins (the edge proved which code they came with)."""
    if actor.role not in _JOINERS:
        return rules.CANNOT_JOIN
    if actor.participant_id in state.members:
        return rules.ALREADY_JOINED
    name, department = command.name.strip(), command.department.strip()
    guest = actor.role is Role.GUEST
    # A guest has no department: then only the name's rules apply ("-" stands in for it).
    if refusal := rules.person(name, department or ("-" if guest else "")):
        return refusal
    if command_id in state.members:
        return rules.DUPLICATE
    role: MemberRole = "guest" if guest else "participant"
    if actor.role is Role.LEADER:
        role = "leader"
    return [
        ParticipantJoined(
            at=now, participant=command_id, name=name, department=department, role=role
        )
    ]


def takes_part(phase: Phase, actor: Actor, paused: bool) -> Refusal | None:
    """Whether the actor's role takes part in the phase (its ``actors``) right now; guests only
    where the agenda lists them."""
    if actor.role is Role.GUEST and Role.GUEST not in phase.actors:
        return GUESTS_PHASE
    return rules.may_contribute(phase, actor, paused)
