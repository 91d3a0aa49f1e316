"""The programme's outcome ("you said, we did"): which decisions the staff may see, and when.

During the leader panel the room sees each decision as it is revealed. Once the panel is over
(every panel phase of the agenda has been entered and left, or the workshop has ended) the
outcome is *published*: every decided proposal, revealed in the panel or not, with what became
of it since (``core.initiatives``). Before that, only the revealed ones.
"""

from __future__ import annotations

from facilitator.agenda import Agenda, LeaderPanelPhase, LeaderTriagePhase
from facilitator.core.catalogue_state import CatalogueState, Entry
from facilitator.core.machine import MachineState, Status


def holds_catalogue(agenda: Agenda) -> bool:
    """Whether this workshop decides on the catalogue (a triage or a panel phase)."""
    return any(isinstance(p, LeaderPanelPhase | LeaderTriagePhase) for p in agenda.phases)


def published(machine: MachineState, agenda: Agenda) -> bool:
    """Whether the panel is over, so every decision is the staff's to see."""
    if machine.status is Status.ENDED:
        return True
    panels = [i for i, p in enumerate(agenda.phases) if isinstance(p, LeaderPanelPhase)]
    if not panels or machine.status is Status.LOBBY:
        return False
    return all(
        machine.clocks[i].started_at is not None and machine.phase != i
        for i in panels
        if i < len(machine.clocks)
    )


def visible(catalogue: CatalogueState, *, is_published: bool) -> list[Entry]:
    """The decided entries the staff may see, in the catalogue's order."""
    return [
        entry
        for entry in catalogue.entries.values()
        if entry.verdict is not None and (is_published or entry.revealed)
    ]
