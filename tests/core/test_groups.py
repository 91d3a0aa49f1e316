from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.core.board import Member
from facilitator.core.groups import form_groups, group_count, group_number

DEPARTMENTS = ("Miljø", "Beskæftigelse", "Plan", "Social", "Borgerservice")


def staff(*departments: str) -> list[Member]:
    return [
        Member(f"p{n:02}", f"Person {n}", department, "participant")
        for n, department in enumerate(departments)
    ]


def twenty() -> list[Member]:
    return staff(*(DEPARTMENTS[n % 5] for n in range(20)))


def department_of(members: list[Member]) -> dict[str, str]:
    return {member.id: member.department for member in members}


def test_twenty_from_five_departments_in_fours_never_share_a_department_in_a_group() -> None:
    members = twenty()
    for seed in range(25):
        groups = form_groups(members, 4, "department", seed)
        assert list(groups) == ["g1", "g2", "g3", "g4", "g5"]
        for ids in groups.values():
            departments = [department_of(members)[pid] for pid in ids]
            assert len(ids) == 4 and len(set(departments)) == 4


def test_leaders_are_grouped_like_participants() -> None:
    members = [*staff("Plan", "Plan"), Member("boss", "Boss", "Ledelse", "leader")]
    groups = form_groups(members, 3, "department", 1)
    assert sorted(pid for ids in groups.values() for pid in ids) == ["boss", "p00", "p01"]


def test_the_same_seed_gives_the_same_groups_whatever_order_the_members_come_in() -> None:
    members = twenty()
    first = form_groups(members, 4, "department", 11)
    assert form_groups(list(reversed(members)), 4, "department", 11) == first
    assert form_groups(members, 4, "random", 11) == form_groups(members[::-1], 4, "random", 11)


def test_other_seeds_give_other_groups() -> None:
    members = twenty()
    for mix in ("department", "random"):
        assert len({str(form_groups(members, 4, mix, seed)) for seed in range(10)}) > 1


def test_departments_are_matched_however_people_typed_them() -> None:
    members = staff("Miljø", " miljø", "MILJØ ", "Plan", "Plan", "Plan")
    for seed in range(10):
        groups = form_groups(members, 2, "department", seed)
        for ids in groups.values():
            kinds = {department_of(members)[pid].strip().casefold() for pid in ids}
            assert len(kinds) == 2


@pytest.mark.parametrize(
    ("members", "size", "groups"),
    [(1, 4, 1), (5, 4, 1), (6, 4, 2), (10, 4, 3), (14, 4, 4), (20, 4, 5), (9, 2, 5), (3, 10, 1)],
)
def test_the_number_of_groups_is_members_over_size_rounded_with_halves_up(
    members: int, size: int, groups: int
) -> None:
    assert group_count(members, size) == groups
    assert len(form_groups(staff(*["Plan"] * members), size, "random", 0)) == groups


def test_nobody_to_group_gives_no_groups_and_bad_settings_are_errors() -> None:
    assert form_groups([], 4, "department", 1) == {}
    with pytest.raises(ValueError, match="size"):
        form_groups(twenty(), 0, "random", 1)
    with pytest.raises(ValueError, match="mix_by"):
        form_groups(twenty(), 4, "age", 1)


people = st.lists(st.sampled_from(DEPARTMENTS[:4]), min_size=1, max_size=40).map(
    lambda departments: staff(*departments)
)


@given(
    members=people,
    size=st.integers(2, 10),
    mix=st.sampled_from(["department", "random"]),
    seed=st.integers(0, 2**32),
)
def test_every_member_lands_in_exactly_one_group_and_sizes_differ_by_at_most_one(
    members: list[Member], size: int, mix: str, seed: int
) -> None:
    groups = form_groups(members, size, mix, seed)
    placed = [pid for ids in groups.values() for pid in ids]
    assert sorted(placed) == sorted(member.id for member in members)
    sizes = [len(ids) for ids in groups.values()]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    assert len(groups) == max(1, round(len(members) / size + 1e-9))
    assert list(groups) == [f"g{n}" for n in range(1, len(groups) + 1)]


@given(members=people, size=st.integers(2, 10), seed=st.integers(0, 2**32))
def test_each_department_spreads_over_as_many_groups_as_it_can_and_evenly(
    members: list[Member], size: int, seed: int
) -> None:
    groups = form_groups(members, size, "department", seed)
    departments = department_of(members)
    per_department = Counter(departments.values())
    for department, total in per_department.items():
        counts = [sum(departments[pid] == department for pid in ids) for ids in groups.values()]
        assert sum(1 for n in counts if n) == min(total, len(groups))
        assert max(counts) - min(counts) <= 1


def test_a_group_is_named_by_its_number_and_another_id_upper_cased() -> None:
    assert [group_number(g) for g in ("g3", "g12", "red", "gx", "G4")] == [
        "3", "12", "RED", "GX", "G4",
    ]  # fmt: skip
    assert all(group_number(g).isdigit() for g in form_groups(twenty(), 4, "department", 1))
