"""Forming groups for group work: balanced in size and, when asked, mixed across departments.

Deterministic for a seed, whatever order the members come in, so a journal replay or a second
process forms the very same groups. The seed is the only source of chance.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol


class _Person(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def department(self) -> str: ...


def group_number(group: str) -> str:
    """What every screen and export calls a group: ``g3`` is "3" (said "Group 3"), another id
    upper-cased. Groups are formed as ``g1``, ``g2`` …: the id is for machines."""
    digits = group[1:]
    return digits if group[:1] == "g" and digits.isdigit() else group.upper()


def group_count(members: int, size: int) -> int:
    """``round(members / size)``, at least one, halves rounded up: Python's ``round`` rounds
    halves to even, which would make 10 people in fours two groups but 14 people four."""
    return max(1, (2 * members + size) // (2 * size))


def form_groups(
    members: Sequence[_Person], size: int, mix_by: str, seed: int
) -> dict[str, tuple[str, ...]]:
    """Group id ("g1", "g2", …) → member ids, sorted; no groups for no members.

    Members are dealt round-robin like cards, so sizes differ by at most one. With
    ``mix_by="department"`` the deck is sorted by department (shuffled within each), so a
    department's members sit together in the deck and land in as many different groups as
    there are of them, up to the number of groups: the most mixing the numbers allow.
    """
    if size < 1:
        raise ValueError(f"group size must be at least 1, not {size}")
    if mix_by not in ("department", "random"):
        raise ValueError(f"mix_by must be 'department' or 'random', not {mix_by!r}")
    if not members:
        return {}
    rng = random.Random(seed)
    deck = sorted(members, key=lambda member: member.id)
    if mix_by == "random":
        rng.shuffle(deck)
    else:
        departments: dict[str, list[_Person]] = {}
        for member in deck:
            departments.setdefault(_department_key(member.department), []).append(member)
        deck = []
        for key in sorted(departments):
            same = departments[key]
            rng.shuffle(same)
            deck.extend(same)
    count = group_count(len(deck), size)
    dealt: list[list[str]] = [[] for _ in range(count)]
    for index, member in enumerate(deck):
        dealt[index % count].append(member.id)
    return {f"g{number}": tuple(sorted(ids)) for number, ids in enumerate(dealt, start=1)}


def _department_key(department: str) -> str:
    # People type their own department: "Miljø" and "miljø " are the same one.
    return " ".join(department.split()).casefold()
