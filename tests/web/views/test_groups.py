"""Groups belong to their phase and nothing is left out: whatever the order of posts, group
formations and moves, every visible idea is on the wall once and on its author's phone."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import Agenda, DayLength, GroupWorkPhase, Role, Text, VotePhase
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import FormGroups, Join, MoveParticipant, PostIdea
from facilitator.core.commands import End, JumpTo, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, WorkshopState, decide, fold
from facilitator.web.views.board import board_context, by_group, view_group

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
TITLE = Text(da="Fase", en="Phase")
AGENDA = Agenda(
    key="groups",
    title=TITLE,
    length=DayLength.FULL_DAY,
    audience="staff",
    phases=(
        GroupWorkPhase(key="first", title=TITLE, minutes=30, board="ideas", group_size=2),
        GroupWorkPhase(key="second", title=TITLE, minutes=30, board="ideas", group_size=3),
        VotePhase(key="dots", title=TITLE, minutes=10, board="ideas"),
    ),
)
PEOPLE = ("anna", "bo", "cai", "dorte", "emil")
WALL = Actor(Role.PROJECTOR)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.sampled_from(PEOPLE)),
        st.tuples(st.just("post-facilitator"), st.just("")),
        st.tuples(st.just("form"), st.integers(1, 1000).map(str)),
        st.tuples(st.just("move"), st.sampled_from(PEOPLE)),
        st.tuples(st.just("next-phase"), st.just("")),
    ),
    max_size=30,
)


def apply(state: WorkshopState, command: Command, actor: Actor, n: int | str) -> WorkshopState:
    decided = decide(state, AGENDA, command, actor, T0, str(n))  # the id of what it makes
    return state if isinstance(decided, Refusal) else fold(state, decided)


def play(script: list[tuple[str, str]]) -> WorkshopState:
    state = WorkshopState.initial([p.minutes for p in AGENDA.phases])
    n = 0
    for person in PEOPLE:
        state = apply(
            state,
            Join(name=person.title(), department=person),
            Actor(Role.PARTICIPANT, person),
            person,
        )
    state = apply(state, Start(), FACILITATOR, n)
    for kind, arg in script:
        n += 1
        phase = state.current_phase(AGENDA)
        if kind == "post":
            state = apply(state, PostIdea(text=f"Idé {n}"), Actor(Role.PARTICIPANT, arg), n)
        elif kind == "post-facilitator":
            state = apply(state, PostIdea(text=f"Noteret {n}"), FACILITATOR, n)
        elif kind == "form":
            state = apply(state, FormGroups(seed=int(arg)), FACILITATOR, n)
        elif kind == "move" and phase is not None:
            placed = state.board.groups.get(phase.key, {})
            others = sorted(set(placed.values()) - {placed.get(arg)})
            if others:
                state = apply(
                    state, MoveParticipant(participant=arg, group=others[0]), FACILITATOR, n
                )
        elif kind == "next-phase" and state.machine.phase == 0:
            state = apply(state, JumpTo(phase=1), FACILITATOR, n)
    return state


def on_screen(context: dict[str, object]) -> list[str]:
    rows = [*context["ideas"], *context["earlier_ideas"]]  # type: ignore[misc]
    return [row.id for row in rows]


@settings(max_examples=200, deadline=None)
@given(steps)
def test_every_idea_is_on_the_wall_once_and_on_its_authors_phone(
    script: list[tuple[str, str]],
) -> None:
    state = play(script)
    for final in (state, apply(state, JumpTo(phase=2), FACILITATOR, 999)):
        everything = [idea.id for idea in final.board.ideas.values()]
        wall = board_context(final, AGENDA, WALL, None)
        assert sorted(on_screen(wall)) == sorted(everything)  # each once, none left out
        for person in PEOPLE:
            me = Actor(Role.PARTICIPANT, person)
            phone = board_context(final, AGENDA, me, view_group(final, AGENDA, me))
            mine = [i.id for i in final.board.ideas.values() if i.author == person]
            assert set(mine) <= set(on_screen(phone)), (person, final.board.groups)
            # A group's board is the role's whole board narrowed to the group, in its order.
            group = view_group(final, AGENDA, me)
            whole = board_context(final, AGENDA, me, None)["ideas"]
            wanted = [r.id for r in whole if group is None or r.group == group]
            assert [r.id for r in phone["ideas"]] == wanted
        phase = final.current_phase(AGENDA)
        if isinstance(phase, GroupWorkPhase):
            placed = final.board.groups.get(phase.key, {})
            for row in wall["ideas"]:
                author = final.board.ideas[row.id].author
                assert row.group == placed.get(author)  # in its author's group of this phase


def test_an_ended_workshop_still_shows_its_board_read_only() -> None:
    state = play([("form", "7"), ("post", "anna"), ("post", "bo")])
    ended = apply(state, End(), FACILITATOR, 1000)
    for viewer in (WALL, FACILITATOR, Actor(Role.PARTICIPANT, "anna")):
        context = board_context(ended, AGENDA, viewer, None)
        assert context["ended"] and context["board_key"] == "ideas"
        assert len(on_screen(context)) == 2
        assert not context["can_post"]


def test_an_idea_posted_before_the_groups_joins_its_authors_group_when_they_form() -> None:
    state = play([("post", "anna"), ("form", "3")])
    (idea,) = state.board.ideas.values()
    assert idea.group is not None and idea.group == state.board.group_of("first", "anna")
    moved = play([("post", "anna"), ("form", "3"), ("move", "anna")])
    (again,) = moved.board.ideas.values()
    assert again.group == moved.board.group_of("first", "anna") != idea.group


@given(st.lists(st.tuples(st.integers(0, 50), st.sampled_from([None, "g1", "g2", "g10"]))))
def test_items_by_group_are_each_groups_items_in_their_order(
    items: list[tuple[int, str | None]],
) -> None:
    grouped = by_group(items, lambda item: item[1])
    assert set(grouped) == {group for _, group in items}
    for group, mine in grouped.items():
        assert mine == [item for item in items if item[1] == group]
