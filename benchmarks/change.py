"""What one change costs the views on the event loop, at 25 to 1,000 people: every page
socket's fragments and ``mine`` after one posted idea, beside a baseline measured in the same
run (the same pass with every kept view and memo emptied first, as for a room just loaded).

    .venv/bin/python benchmarks/change.py                      # N = 25, 100, 1000; 60 changes
    .venv/bin/python benchmarks/change.py --n 1000 --changes 300

The room holds N participants in groups of five in the first group work of ``staff-day-1``,
70 ideas posted, and a facilitator and a wall connected. A change is one more idea posted by
someone (in turn): the state is folded from the event as a room does after a commit, and then
every socket's ``push_view`` work is done: ``live_fragments`` and ``personal_message`` for the
N phones, the console and the wall, inside one telling pass (``Room._notify``). No server, no
database, no sockets: this is the rendering that a change costs before any byte is sent.
Each figure is the median over the changes, in ms per change.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from facilitator.agenda import GroupWorkPhase, Role
from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.core.actors import Actor
from facilitator.core.board_messages import GroupsFormed, IdeaPosted, ParticipantJoined
from facilitator.core.events import PhaseChanged, WorkshopStarted
from facilitator.core.workshop import Event, WorkshopState, fold
from facilitator.live.memory_hub import MemoryHub
from facilitator.live.room import Room
from facilitator.rendering import Renderer
from facilitator.store.tables import Workshop
from facilitator.web.views import memo
from facilitator.web.views.pieces import Pieces
from facilitator.web.views.screens import live_fragments, personal_message

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
IDEAS = 70


def room_with(people: int) -> tuple[Room, Workshop, list[Actor], GroupWorkPhase]:
    programme = load_programme(DEFAULT_PROGRAMME)
    agenda = programme.workshop("staff-day-1").agenda
    index, phase = next(
        (i, p) for i, p in enumerate(agenda.phases) if isinstance(p, GroupWorkPhase)
    )
    departments = [d.key for d in programme.departments]
    ids = [f"{n:032x}" for n in range(1, people + 1)]
    groups = {f"g{g + 1}": tuple(ids[g * 5 : g * 5 + 5]) for g in range((people + 4) // 5)}
    events: list[Event] = [
        ParticipantJoined(
            at=T0, participant=pid, name=f"Deltager {n}",
            department=departments[n % len(departments)], role="participant",
        )
        for n, pid in enumerate(ids)
    ]  # fmt: skip
    events += [
        WorkshopStarted(at=T0),
        PhaseChanged(at=T0, left=None, entered=0),
        PhaseChanged(at=T0, left=0, entered=index),
        GroupsFormed(at=T0, phase=phase.key, groups=groups),
    ]
    state = fold(WorkshopState.initial([p.minutes for p in agenda.phases]), events)
    room = Room("0" * 31 + "1", agenda, state, len(events), writer=None, hub=MemoryHub())  # type: ignore[arg-type]
    for pid in ids:
        room.presence.came(pid)
    row = Workshop(
        id=room.workshop_id, key="staff-day-1", agenda={}, join_code="ABC123",
        leader_code="LED456", guest_code="GST789", facilitator_token="f" * 24,
        projector_token="p" * 24,
    )  # fmt: skip
    actors = [Actor(Role.FACILITATOR), Actor(Role.PROJECTOR)]
    actors += [Actor(Role.PARTICIPANT, pid) for pid in ids]
    return room, row, actors, phase


def post(room: Room, phase: GroupWorkPhase, n: int) -> None:
    """One more idea, by the n-th person in turn, folded as the room does after a commit."""
    board = room.state.board
    authors = sorted(board.members)
    author = authors[n % len(authors)]
    event = IdeaPosted(
        at=T0 + timedelta(seconds=n), idea=f"i{n:05d}", board=phase.board,
        group=board.group_of(phase.key, author), author=author,
        text=f"Forslag {n}: kortere svartider og én indgang", anonymous=False,
        phase=phase.key,
    )  # fmt: skip
    room.state = fold(room.state, [event])
    room.seq += 1


def tell(room: Room, row: Workshop, actors: list[Actor], renderer: Renderer) -> None:
    """Every socket's work after a change: its fragments and its ``mine``."""
    room._passing = {}
    try:
        for actor in actors:
            live_fragments(
                renderer, room, row, actor, "da", base_url="http://127.0.0.1:8000", now=T0
            )
            personal_message(room, actor, repr)
    finally:
        room._passing = None


def forget(room: Room) -> None:
    """Every kept view and memo emptied: the room as just loaded."""
    room._views.clear()
    room._kept.clear()
    for name, module in list(sys.modules.items()):
        if name.startswith("facilitator.") and module is not None:
            for value in vars(module).values():
                if isinstance(value, memo.Memo | Pieces):  # a piece is kept too
                    value.clear()


def measure(people: int, changes: int, baseline: bool = True) -> dict[str, float]:
    room, row, actors, phase = room_with(people)
    renderer = Renderer()
    for n in range(IDEAS):
        post(room, phase, n)
    for k in range(5):  # warm: templates compiled, views kept
        post(room, phase, IDEAS + changes + k)
        tell(room, row, actors, renderer)
    kept: list[float] = []
    cold: list[float] = []
    for k in range(changes):
        post(room, phase, IDEAS + k)
        if k % 2 and baseline:  # alternate, so that the machine's moods fall on both alike
            forget(room)
            started = time.perf_counter()
            tell(room, row, actors, renderer)
            cold.append(time.perf_counter() - started)
        else:
            started = time.perf_counter()
            tell(room, row, actors, renderer)
            kept.append(time.perf_counter() - started)
    return {
        "kept": statistics.median(kept) * 1e3,
        "cold": statistics.median(cold) * 1e3 if cold else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="people (repeatable)")
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument(
        "--no-baseline", action="store_true", help="time kept views only (for a profiler)"
    )
    args = parser.parse_args()
    sizes = args.n or [25, 100, 1000]
    print(f"one change's views, median of {args.changes // 2} changes each way, ms per change")
    print("| N | kept views (ours) | every view made anew (baseline) | ratio |")
    print("|---|---|---|---|")
    for people in sizes:
        found = measure(people, args.changes, not args.no_baseline)
        ratio = found["kept"] / found["cold"]
        print(f"| {people} | {found['kept']:.2f} | {found['cold']:.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
