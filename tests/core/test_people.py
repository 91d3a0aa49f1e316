"""Guests and speakers: joining without a department, staying out of the staff's groups unless
the facilitator says so, being marked and unmarked, and being named a plenum's speaker."""

from __future__ import annotations

from collections import Counter
from typing import Any

from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import GroupsFormed
from tests.core.plenary import Workshop, guest, participant

DEPARTMENTS = ("miljo", "beskaeftigelse", "plan-og-byg", "social", "borgerservice")
STAFF = [participant(f"s{n:02}") for n in range(20)]
GUESTS = [guest("gitte"), guest("hans")]


def day_one() -> Workshop:
    """Staff day 1 in miniature: twenty staff and the two business leaders."""
    workshop = Workshop()
    for n, person in enumerate(STAFF):
        workshop.join(person, department=DEPARTMENTS[n % 5])
    for person in GUESTS:
        workshop.join(person, f"Virksomhedsleder {person.participant_id}", "")
    return workshop


def test_a_guest_joins_without_a_department_and_nobody_else_does() -> None:
    workshop = day_one()
    gitte = workshop.state.board.members["gitte"]
    assert (gitte.role, gitte.department, gitte.guest) == ("guest", "", True)
    assert workshop.refused(participant("x"), "x", type="join", name="X", department="") == (
        "no_department"
    )
    assert workshop.refused(guest("y"), "y", type="join", name=" ", department="") == "empty_name"
    workshop.ok(guest("z"), "z", type="join", name="Zia", department="Zias Bageri")  # may give one
    assert workshop.refused(FACILITATOR, "f", type="join", name="F", department="") == (
        "cannot_join"
    )


def test_form_groups_leaves_the_guests_out_unless_the_facilitator_says_so() -> None:
    workshop = day_one()
    workshop.at("work")
    [formed] = workshop.ok(FACILITATOR, type="form_groups", seed=1)
    assert isinstance(formed, GroupsFormed)
    placed = {pid for ids in formed.groups.values() for pid in ids}
    assert "gitte" not in placed and "hans" not in placed
    # groups of 5, not the 6, 6, 5, 5 the two guests made before
    assert sorted(len(ids) for ids in formed.groups.values()) == [5, 5, 5, 5]
    [again] = workshop.ok(FACILITATOR, type="form_groups", seed=1, guests=True)
    assert isinstance(again, GroupsFormed)
    with_guests = {pid for ids in again.groups.values() for pid in ids}
    assert {"gitte", "hans"} <= with_guests


def test_a_guest_works_with_the_group_they_were_placed_in_and_votes_only_where_listed() -> None:
    workshop = day_one()
    workshop.at("work")
    gitte = GUESTS[0]
    assert workshop.refused(gitte, type="post_idea", text="En idé") == "guests_phase"
    workshop.ok(FACILITATOR, type="form_groups", seed=2, guests=True)
    [posted] = workshop.ok(gitte, type="post_idea", text="En idé fra en gæst")
    idea = next(iter(workshop.state.board.ideas.values()))
    assert idea.group == workshop.state.board.group_of("work", "gitte") is not None
    del posted
    workshop.at("dots")
    assert workshop.refused(gitte, type="vote", idea=idea.id) == "guests_phase"
    workshop.ok(STAFF[0], type="vote", idea=idea.id)


def test_the_facilitator_marks_a_member_as_a_guest_and_back_and_the_rules_follow_at_once() -> None:
    workshop = day_one()
    leader = Actor(Role.LEADER, "lea")
    workshop.join(leader)
    workshop.at("model")
    workshop.ok(FACILITATOR, type="set_guest", participant="s00", guest=True)
    assert workshop.state.board.members["s00"].role == "guest"
    assert workshop.refused(FACILITATOR, type="set_guest", participant="s00", guest=True) == (
        "unchanged"
    )
    # The edge still says "participant"; the core goes by the member's role now.
    assert workshop.refused(STAFF[0], type="answer_poll", answer="one-door") == "guests_phase"
    workshop.ok(FACILITATOR, type="set_guest", participant="s00", guest=False)
    workshop.ok(STAFF[0], type="answer_poll", answer="one-door")
    workshop.ok(FACILITATOR, type="set_guest", participant="lea", guest=True)
    workshop.ok(FACILITATOR, type="set_guest", participant="lea", guest=False)
    assert workshop.state.board.members["lea"].role == "leader"  # back to what they joined as
    workshop.ok(FACILITATOR, type="set_guest", participant="gitte", guest=False)
    assert workshop.state.board.members["gitte"].role == "participant"
    tries: list[tuple[Actor, dict[str, Any], str]] = [
        (STAFF[1], {"participant": "s02", "guest": True}, "forbidden"),
        (Actor(Role.PROJECTOR), {"participant": "s02", "guest": True}, "read_only"),
        (FACILITATOR, {"participant": "nobody", "guest": True}, "no_participant"),
    ]
    for actor, fields, code in tries:
        assert workshop.refused(actor, type="set_guest", **fields) == code


def test_the_facilitator_names_the_speakers_of_the_current_plenum() -> None:
    workshop = day_one()
    assert workshop.refused(FACILITATOR, type="name_speakers", participants=["gitte"]) == (
        "not_running"
    )
    workshop.at("guests")
    workshop.ok(FACILITATOR, type="name_speakers", participants=["gitte", "hans", "gitte"])
    assert workshop.state.board.speakers["guests"] == ("gitte", "hans")
    workshop.ok(FACILITATOR, type="name_speakers", participants=["hans", "gitte"])  # the order
    again = workshop.refused(FACILITATOR, type="name_speakers", participants=["hans", "gitte"])
    assert again == "unchanged"
    assert workshop.refused(FACILITATOR, type="name_speakers", participants=["nobody"]) == (
        "no_participant"
    )
    assert workshop.refused(GUESTS[0], type="name_speakers", participants=["gitte"]) == "forbidden"
    workshop.ok(FACILITATOR, type="name_speakers", participants=[])
    assert not workshop.state.board.speakers["guests"]
    workshop.at("model")
    assert workshop.refused(FACILITATOR, type="name_speakers", participants=["gitte"]) == (
        "not_plenum"
    )


def test_guests_ask_in_a_plenum_by_default() -> None:
    workshop = day_one()
    workshop.at("talk")
    workshop.ok(GUESTS[0], type="post_question", text="Må jeg spørge?")
    roles = Counter(m.role for m in workshop.state.board.members.values())
    assert roles == {"participant": 20, "guest": 2}
