"""Erasure has one meaning however it arrives: the route, a form, a JSON command, a socket.

``erase`` is the whole flow: the store rewrites the person's rows everywhere in the programme
(``store.privacy.anonymise``: name and department gone, token void, reflection emptied, ideas
anonymous), each affected room journals ``participant_anonymised`` (so every client hears of
it and the person's own sockets close) and reads the rewritten history again (so every
socket, here and through the hub in other processes, gets a fresh view).

``submit`` is how a command reaches its room from the web edge: the facilitator's
``anonymise_participant`` takes the erasure; everything else, and that command from anyone
else (refused by the core as before), goes to ``Room.submit``.
"""

from __future__ import annotations

import asyncio

from facilitator.core import board_rules
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import AnonymiseParticipant
from facilitator.core.workshop import Command
from facilitator.live.room import Accepted, Outcome, Room
from facilitator.store import privacy
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, Workshop
from facilitator.web.services import Services


def of_programme(person: Participant | None, workshop: Workshop) -> bool:
    """Whether ``person`` belongs to the programme (or lone workshop) of ``workshop``: whom
    its facilitator may erase or give a new device."""
    if person is None:
        return False
    if workshop.programme_id:
        return person.programme_id == workshop.programme_id
    return person.workshop_id == workshop.id


async def erase(
    app: Services, workshop: Workshop, participant_id: str, *, client_id: str | None = None
) -> dict[str, list[Outcome]] | None:
    """Anonymise a person of ``workshop``'s programme everywhere, as its facilitator asked.

    Returns each affected workshop's outcomes of journaling the erasure, or None when the
    person is no one of this programme (nothing changed). ``client_id`` goes with the
    journal entry in ``workshop`` itself, so a retried command is answered, not repeated.
    """

    def rewrite() -> dict[str, list[str]]:
        with session_scope(app.engine) as session:
            person = session.get(Participant, participant_id)
            if not of_programme(person, workshop):
                return {}
            return privacy.anonymise(session, participant_id=participant_id)

    erased = await asyncio.to_thread(rewrite)
    if not erased:
        return None
    outcomes: dict[str, list[Outcome]] = {}
    for workshop_id, people in sorted(erased.items()):
        room = await app.rooms.get(workshop_id)
        for n, person in enumerate(people):
            # Journal the erasure: seq moves on, and the person's own sockets close.
            cid = client_id if workshop_id == workshop.id and n == 0 else None
            command = AnonymiseParticipant(participant=person)
            outcome = await room.submit(command, FACILITATOR, cid)
            outcomes.setdefault(workshop_id, []).append(outcome)
        # Then read the rewritten history again: every socket, here and (through the hub)
        # in other processes, gets a fresh view, and a client that was away a snapshot.
        await room.reload()
    return outcomes


async def submit(
    app: Services,
    room: Room,
    workshop: Workshop,
    command: Command,
    actor: Actor,
    client_id: str | None,
) -> Outcome:
    """A command from the web edge (HTTP or websocket), into its room."""
    if not (isinstance(command, AnonymiseParticipant) and actor.is_facilitator):
        return await room.submit(command, actor, client_id)
    outcomes = await erase(app, workshop, command.participant, client_id=client_id)
    if outcomes is None:
        return board_rules.NO_PARTICIPANT
    here = outcomes.get(workshop.id)
    # The person had no row in this workshop but in another of the programme: done there.
    return here[0] if here else Accepted(seq=room.seq)
