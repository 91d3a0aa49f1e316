"""The console's people: who is here and online, their department by name, their group (and
how the facilitator moves them), guests and the plenum's speakers. Pure: the scene in, the
people table's rows and counts out (fragments/people.html)."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from facilitator.agenda import Agenda, GroupWorkPhase, PlenumPhase, Text
from facilitator.core.workshop import WorkshopState
from facilitator.web.views.board import by_group, group_order
from facilitator.web.views.memo import Memo, Rows


class Scene(Protocol):
    """What the people table reads of the room (``screens.Scene`` has it)."""

    @property
    def state(self) -> WorkshopState: ...
    @property
    def agenda(self) -> Agenda: ...
    @property
    def online(self) -> Collection[str]: ...
    @property
    def departments(self) -> Mapping[str, Mapping[str, str]]: ...


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str  # the department's name in the page's language ("" for none)
    role: str  # participant | leader | guest
    joined_as: str  # the role they joined with
    online: bool
    group: str | None
    speaker: bool  # named as a speaker of the plenum under way
    anonymised: bool


@dataclass(frozen=True)
class RowShape:
    """What every row of the table shows alike: a group column, the groups to move to (empty:
    one list for the whole table, ``GROUPS_IN_A_SELECT``), a speaker toggle."""

    grouped: bool
    choices: tuple[str, ...]
    names_speakers: bool


def department_names(departments: Mapping[str, Mapping[str, str]], language: str) -> dict[str, str]:
    """Department key → its name in ``language`` (the Scene keeps both languages)."""
    return {key: Text.model_validate(name).get(language) for key, name in departments.items()}


GROUPS_IN_A_SELECT = 12


_people: Memo[dict[str, Any]] = Memo(256)  # per workshop and language, one state or more


def people_view(scene: Scene, language: str) -> dict[str, Any]:
    """The people table as the scene stands; made again only when someone came, went,
    changed or moved, or the phase changed (``views.memo``): not for every idea."""
    state = scene.state
    board = state.board
    phase = state.current_phase(scene.agenda)
    inputs = (board.members, board.groups, board.speakers, phase, scene.departments, scene.online)
    return dict(_people.get(language, inputs, lambda: _people_view(scene, language)))


def _people_view(scene: Scene, language: str) -> dict[str, Any]:
    state = scene.state
    phase = state.current_phase(scene.agenda)
    groups = dict(state.board.groups.get(phase.key, {})) if phase else {}
    speakers = set(state.board.speakers.get(phase.key, ())) if phase else set()
    names = department_names(scene.departments, language)
    people = Rows(
        Person(
            id=m.id,
            name=m.name,
            department=names.get(m.department, m.department),
            role=m.role,
            joined_as=m.original_role,
            online=m.id in scene.online,
            group=groups.get(m.id),
            speaker=m.id in speakers,
            anonymised=m.anonymised,
        )
        for m in state.board.members.values()
    )
    group_ids = sorted(set(groups.values()), key=group_order)
    grouped = by_group(people, lambda person: person.group)
    in_a_select = len(group_ids) <= GROUPS_IN_A_SELECT
    names_speakers = isinstance(phase, PlenumPhase)
    return {
        "people": people,
        "people_online": sum(1 for p in people if p.online),
        "group_ids": group_ids,
        "grouped": {g: Rows(grouped.get(g, ())) for g in group_ids},
        "ungrouped": tuple(grouped.get(None, ())),
        "names_speakers": names_speakers,
        "forms_groups": isinstance(phase, GroupWorkPhase),
        # Each placed person's move: a <select> of the groups while they are few; beyond,
        # one list of the groups for the whole table (a select per row was people × groups:
        # 31.8 MB for 2,000 people in 400 groups, 1.75 MB at 500 people in groups of five).
        "groups_in_a_select": in_a_select,
        "row_shape": RowShape(
            bool(group_ids), tuple(group_ids) if in_a_select else (), names_speakers
        ),
        "groups_seed": groups_seed(phase.key if phase else "", groups),
        "speakers": tuple(p for p in people if p.speaker),
    }


def groups_seed(phase: str, groups: Mapping[str, str]) -> int:
    """The seed "Form groups" sends: the same as long as the groups stay as they are (so the
    console's bytes do not change with every render), another once they were formed anew."""
    placed = ",".join(f"{person}={group}" for person, group in sorted(groups.items()))
    return zlib.crc32(f"{phase}|{placed}".encode()) % 99_999 + 1
