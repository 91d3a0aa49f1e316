"""Rules that look across phases, workshops and files.

They read plain data (parsed YAML, or a model dumped with ``model_dump(mode="json")``) and skip
values of the wrong type, so the loader can run them even when some fields are invalid and still
report every problem in one go. The models run the same rules when they are built in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._issues import Issue, Loc, duplicate_keys, label, mappings
from ._plenary_checks import PulseUse, poll_issues, pulse_issues

__all__ = [
    "BOARD_WRITERS",
    "DAY_LIMITS",
    "Issue",
    "Loc",
    "agenda_issues",
    "label",
    "mappings",
    "programme_issues",
]

DAY_LIMITS = {"half_day": 240, "full_day": 480}
BOARD_WRITERS = frozenset({"group_work", "individual"})
CATALOGUE_FIELDS = {
    "group_work": "opens_catalogue",
    "leader_triage": "catalogue",
    "leader_panel": "catalogue",
}


def agenda_issues(agenda: object) -> list[Issue]:
    if not isinstance(agenda, Mapping):
        return []
    phases = mappings(agenda.get("phases"))
    return [
        *duplicate_keys("phases", "phase", phases),
        *_board_order(phases),
        *_day_length(agenda.get("length"), phases),
        *(issue for index, phase in phases for issue in poll_issues(index, phase)),
    ]


def programme_issues(programme: object) -> list[Issue]:
    """Cross-workshop rules; each workshop's `agenda` is a dumped agenda, or None if unavailable."""
    if not isinstance(programme, Mapping):
        return []
    workshops = mappings(programme.get("workshops"))
    pulse = programme.get("pulse")
    issues = [
        *duplicate_keys("departments", "department", mappings(programme.get("departments"))),
        *duplicate_keys("workshops", "workshop", workshops),
        *pulse_issues(pulse),
    ]
    measured = PulseUse(pulse if isinstance(pulse, Mapping) else None)
    all_keys = [ws.get("key") for _, ws in workshops]
    earlier: dict[str, Mapping[str, Any] | None] = {}
    reflection_seen = False
    for w, workshop in workshops:
        own = workshop.get("key")
        agenda = workshop.get("agenda")
        if isinstance(agenda, Mapping):
            audience, written_for = workshop.get("audience"), agenda.get("audience")
            if (
                isinstance(audience, str)
                and isinstance(written_for, str)
                and audience != written_for
            ):
                issues.append(
                    Issue(
                        ("workshops", w, "audience"),
                        f"{label('workshop', workshop, w)}: audience is '{audience}', "
                        f"but its agenda is written for '{written_for}'",
                    )
                )
            for i, phase in mappings(agenda.get("phases")):
                loc: Loc = ("workshops", w, "agenda", "phases", i)
                kind = phase.get("kind")
                field = CATALOGUE_FIELDS.get(kind) if isinstance(kind, str) else None
                ref = phase.get(field) if field else None
                if field and isinstance(ref, str):
                    problem = _catalogue_problem(field, ref, own, earlier, all_keys)
                    if problem:
                        issues.append(
                            Issue((*loc, field), f"{label('phase', phase, i)}: {problem}")
                        )
                reflects = kind == "individual" and phase.get("uses_reflection") is True
                if reflects and not reflection_seen:
                    issues.append(
                        Issue(
                            (*loc, "uses_reflection"),
                            f"{label('phase', phase, i)}: builds on the home reflection, but no "
                            "earlier phase or workshop has a home_reflection phase",
                        )
                    )
                reflection_seen = reflection_seen or kind == "home_reflection"
                if kind == "pulse":
                    problem = measured.problem(phase.get("measurement"), workshop, w, phase, i)
                    if problem:
                        issues.append(
                            Issue((*loc, "measurement"), f"{label('phase', phase, i)}: {problem}")
                        )
        if isinstance(own, str):
            earlier[own] = agenda if isinstance(agenda, Mapping) else None
    return issues


def _board_order(phases: list[tuple[int, Mapping[str, Any]]]) -> list[Issue]:
    creators: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, phase in phases:
        board = phase.get("board")
        if phase.get("kind") in BOARD_WRITERS and isinstance(board, str):
            creators.setdefault(board, (index, phase))
    issues = []
    for index, phase in phases:
        board = phase.get("board")
        if phase.get("kind") != "vote" or not isinstance(board, str):
            continue
        creator = creators.get(board)
        if creator is not None and creator[0] < index:
            continue
        hint = (
            f"; {label('phase', creator[1], creator[0])} only creates it later"
            if creator is not None
            else "; a group_work or individual phase must write to it first"
        )
        issues.append(
            Issue(
                ("phases", index, "board"),
                f"{label('phase', phase, index)}: uses board '{board}' before any earlier phase "
                f"creates it{hint}",
            )
        )
    return issues


def _day_length(length: object, phases: list[tuple[int, Mapping[str, Any]]]) -> list[Issue]:
    if not isinstance(length, str) or length not in DAY_LIMITS:
        return []
    limit = DAY_LIMITS[length]
    minutes = [phase.get("minutes") for _, phase in phases]
    valid = [m for m in minutes if isinstance(m, int) and not isinstance(m, bool) and m > 0]
    if not valid or len(valid) != len(minutes) or sum(valid) <= limit:
        return []
    name = length.replace("_", "-")
    hint = "; shorten some phases or make it a full_day" if length == "half_day" else ""
    return [
        Issue(
            ("length",),
            f"a {name} agenda may last at most {limit} minutes; this one lasts {sum(valid)}{hint}",
        )
    ]


def _catalogue_problem(
    field: str,
    ref: str,
    own: object,
    earlier: Mapping[str, Mapping[str, Any] | None],
    all_keys: list[object],
) -> str | None:
    if ref == "all":
        return None
    if ref in earlier:
        agenda = earlier[ref]
        writes = agenda is not None and any(
            phase.get("kind") in BOARD_WRITERS and isinstance(phase.get("board"), str)
            for _, phase in mappings(agenda.get("phases"))
        )
        if agenda is not None and not writes:
            return (
                f"{field} '{ref}' has no ideas to show: that workshop has no phase "
                "that writes to a board"
            )
        return None
    choices = f"the key of an earlier workshop ({', '.join(earlier)}) or 'all'"
    if not earlier:
        choices = "'all' (there is no earlier workshop)"
    if ref == own or ref in all_keys:
        which = "this workshop itself" if ref == own else "a later workshop"
        return (
            f"{field} '{ref}' is {which}, but a catalogue is built from earlier ones; use {choices}"
        )
    return f"{field} '{ref}' is not a workshop of this programme; use {choices}"
