from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import count
from types import MappingProxyType
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from facilitator.agenda import (
    BreakPhase,
    GroupWorkPhase,
    IndividualPhase,
    Phase,
    PlenumPhase,
    Role,
    Text,
    VotePhase,
)
from facilitator.core import board_rules, visibility
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board import BoardState, decide, evolve
from facilitator.core.board_messages import (
    AssignTheme,
    BoardCommand,
    BoardEvent,
    CreateTheme,
    DeleteIdea,
    EditIdea,
    FormGroups,
    HideIdea,
    IdeaPosted,
    IdeasMerged,
    Join,
    MergeIdeas,
    MoveParticipant,
    PostIdea,
    RenameTheme,
    RevealVotes,
    UnhideIdea,
    Unvote,
    Vote,
)
from facilitator.core.errors import Refusal
from tests.core.decisions import accepted, folded, refused

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TITLE = Text(da="x", en="x")
WORK = GroupWorkPhase(key="work", title=TITLE, minutes=30, board="ideas", group_size=2)
SECRET = GroupWorkPhase(key="secret", title=TITLE, minutes=30, board="ideas", anonymous=True)
LEADERS = GroupWorkPhase(
    key="leaders", title=TITLE, minutes=30, board="frame", actors=(Role.LEADER,)
)
NOTES = IndividualPhase(key="notes", title=TITLE, minutes=10, board="notes")
ALONE = IndividualPhase(key="alone", title=TITLE, minutes=10)
TALK = PlenumPhase(key="talk", title=TITLE, minutes=20)
COFFEE = BreakPhase(key="coffee", title=TITLE, minutes=15)
VOTE = VotePhase(key="vote", title=TITLE, minutes=10, board="ideas", votes_per_person=3)
DOTS = VotePhase(
    key="dots", title=TITLE, minutes=10, board="ideas", votes_per_person=4, max_per_idea=2
)

ANNA = Actor(Role.PARTICIPANT, "anna")
BO = Actor(Role.PARTICIPANT, "bo")
CARL = Actor(Role.PARTICIPANT, "carl")
LEA = Actor(Role.LEADER, "lea")
STRANGER = Actor(Role.PARTICIPANT, "stranger")
PROJECTOR = Actor(Role.PROJECTOR)
DEPARTMENTS = {"anna": "Miljø", "bo": "Plan", "carl": "Miljø", "lea": "Ledelse"}

_ids = count()

# The wire format of this rule set's messages (the aggregate's adapters take every kind).
BOARD_COMMANDS: TypeAdapter[BoardCommand] = TypeAdapter(
    Annotated[BoardCommand, Field(discriminator="type")]
)
BOARD_EVENTS: TypeAdapter[BoardEvent] = TypeAdapter(
    Annotated[BoardEvent, Field(discriminator="type")]
)


def outcome(
    state: BoardState,
    phase: Phase | None,
    command: BoardCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    paused: bool = False,
) -> list[BoardEvent] | Refusal:
    return decide(state, phase, command, actor, T0, command_id or f"c{next(_ids)}", paused=paused)


def run(
    state: BoardState,
    phase: Phase | None,
    command: BoardCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    paused: bool = False,
) -> BoardState:
    return fold(state, accepted(outcome(state, phase, command, actor, command_id, paused=paused)))


def fold(state: BoardState, events: Iterable[BoardEvent]) -> BoardState:
    return folded(state, events, evolve)


def refusal(
    state: BoardState,
    phase: Phase | None,
    command: BoardCommand,
    actor: Actor,
    command_id: str | None = None,
    *,
    paused: bool = False,
) -> str:
    """The refusal's code; the state a refused command leaves is the state it found."""
    return refused(outcome(state, phase, command, actor, command_id, paused=paused))


def joined(*actors: Actor) -> BoardState:
    state = BoardState.empty()
    for actor in actors or (ANNA, BO, CARL, LEA):
        assert actor.participant_id is not None
        department = DEPARTMENTS.get(actor.participant_id, "Borgerservice")
        join = Join(name=actor.participant_id.title(), department=department)
        state = run(state, None, join, actor, actor.participant_id)
    return state


def posted(state: BoardState | None = None, phase: Phase = WORK, **ideas: Actor) -> BoardState:
    """Each keyword posts an idea with that id (and text) by that actor."""
    state = state or joined()
    for key, actor in ideas.items():
        state = run(state, phase, PostIdea(text=key), actor, key)
    return state


# --- joining ----------------------------------------------------------------------------


def test_joining_makes_a_member_under_the_command_id_with_the_actors_role() -> None:
    state = run(BoardState.empty(), None, Join(name="  Anna  ", department=" Miljø "), ANNA, "p1")
    state = run(state, None, Join(name="Lea", department="Ledelse"), LEA, "p2")
    anna, lea = state.members["p1"], state.members["p2"]
    assert (anna.name, anna.department, anna.role) == ("Anna", "Miljø", "participant")
    assert lea.role == "leader"


@pytest.mark.parametrize(
    ("name", "department", "code"),
    [
        ("", "Miljø", "empty_name"),
        ("   ", "Miljø", "empty_name"),
        ("x" * 81, "Miljø", "name_too_long"),
        ("Anna", "", "no_department"),
        ("Anna", " \t", "no_department"),
        ("Anna", "d" * 81, "department_too_long"),
    ],
)
def test_joining_refuses_a_name_or_department_of_the_wrong_length(
    name: str, department: str, code: str
) -> None:
    assert refusal(BoardState.empty(), None, Join(name=name, department=department), ANNA) == code


def test_names_and_departments_of_exactly_80_characters_are_taken() -> None:
    state = run(BoardState.empty(), None, Join(name="n" * 80, department="d" * 80), ANNA, "anna")
    assert len(state.members["anna"].name) == 80


def test_only_participants_and_leaders_join_and_only_once() -> None:
    state = joined(ANNA)
    join = Join(name="Anna", department="Miljø")
    assert refusal(state, None, join, FACILITATOR) == "cannot_join"
    assert refusal(state, None, join, PROJECTOR) == "read_only"
    assert refusal(state, None, join, ANNA) == "already_joined"
    assert refusal(state, None, join, BO, command_id="anna") == "duplicate"


NOT_JOINED_COMMANDS: list[BoardCommand] = [
    PostIdea(text="hello"),
    EditIdea(idea="a", text="x"),
    DeleteIdea(idea="a"),
    Vote(idea="a"),
    Unvote(idea="a"),
    HideIdea(idea="a"),
    CreateTheme(name="t"),
]


@pytest.mark.parametrize("command", NOT_JOINED_COMMANDS, ids=lambda c: c.type)
def test_someone_who_has_not_joined_is_refused_everything_but_joining(
    command: BoardCommand,
) -> None:
    state = posted(a=ANNA)
    assert refusal(state, WORK, command, STRANGER) == "not_joined"
    assert refusal(state, WORK, command, Actor(Role.PARTICIPANT)) == "not_joined"
    assert refusal(state, WORK, command, Actor(Role.LEADER, "nobody")) == "not_joined"


@pytest.mark.parametrize("command", NOT_JOINED_COMMANDS, ids=lambda c: c.type)
def test_the_projector_only_shows_and_is_refused_everything(command: BoardCommand) -> None:
    assert refusal(posted(a=ANNA), WORK, command, PROJECTOR) == "read_only"


# --- posting ----------------------------------------------------------------------------


def test_posting_puts_a_stripped_idea_on_the_phase_board_under_the_command_id() -> None:
    state = run(joined(), WORK, PostIdea(text="  Én indgang for virksomheder \n"), ANNA, "i1")
    idea = state.ideas["i1"]
    assert (idea.board, idea.phase, idea.author) == ("ideas", "work", "anna")
    assert idea.text == "Én indgang for virksomheder"
    assert (idea.group, idea.anonymous, idea.hidden, idea.theme) == (None, False, False, None)
    assert idea.posted_at == T0 and idea.merged_into is None
    assert visibility.WALL.ideas(state, "ideas") == [idea]


def test_an_idea_goes_to_its_authors_group_for_that_phase() -> None:
    state = run(joined(), WORK, FormGroups(seed=1), FACILITATOR)
    state = posted(state, a=ANNA, b=BO)
    assert state.ideas["a"].group == state.group_of("work", "anna") is not None
    assert state.ideas["b"].group == state.group_of("work", "bo")


def test_an_individual_phase_with_a_board_takes_posts() -> None:
    state = posted(phase=NOTES, a=ANNA)
    assert state.ideas["a"].board == "notes"


@pytest.mark.parametrize(
    ("phase", "code"),
    [(None, "not_running"), (TALK, "no_board"), (ALONE, "no_board"), (VOTE, "no_board")],
    ids=["lobby", "plenum", "individual-without-board", "vote"],
)
def test_posting_needs_a_phase_under_way_that_has_a_board(phase: Phase | None, code: str) -> None:
    assert refusal(joined(), phase, PostIdea(text="hi"), ANNA) == code
    assert refusal(joined(), phase, PostIdea(text="hi"), FACILITATOR) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_idea"), (" \n\t ", "empty_idea"), ("x" * 501, "idea_too_long")],
    ids=["empty", "blank", "501"],
)
def test_an_idea_needs_1_to_500_characters_after_stripping(text: str, code: str) -> None:
    assert refusal(joined(), WORK, PostIdea(text=text), ANNA) == code


def test_an_idea_of_exactly_500_characters_is_taken_and_the_limit_is_in_the_message() -> None:
    state = run(joined(), WORK, PostIdea(text=" " + "x" * 500 + " "), ANNA, "long")
    assert len(state.ideas["long"].text) == 500
    too_long = outcome(joined(), WORK, PostIdea(text="x" * 501), ANNA)
    assert isinstance(too_long, Refusal)
    assert too_long.render() == "An idea can be at most 500 characters."


def test_a_reused_command_id_never_overwrites_an_idea() -> None:
    state = posted(a=ANNA)
    assert refusal(state, WORK, PostIdea(text="again"), BO, command_id="a") == "duplicate"


def test_a_leaders_only_phase_refuses_participants_and_takes_leaders() -> None:
    state = joined()
    assert refusal(state, LEADERS, PostIdea(text="frame"), ANNA) == "leaders_phase"
    state = run(state, LEADERS, PostIdea(text="frame"), LEA, "f")
    assert state.ideas["f"].author == "lea"


def test_a_role_the_phase_does_not_list_is_refused() -> None:
    staff_only = WORK.model_copy(update={"actors": (Role.PARTICIPANT,)})
    assert refusal(joined(), staff_only, PostIdea(text="x"), LEA) == "not_an_actor"


def test_the_facilitator_may_post_in_any_board_phase_even_paused_and_has_no_group() -> None:
    state = run(joined(), WORK, FormGroups(seed=3), FACILITATOR)
    state = run(state, LEADERS, PostIdea(text="note"), FACILITATOR, "n1")
    state = run(state, WORK, PostIdea(text="note"), FACILITATOR, "n2", paused=True)
    assert state.ideas["n2"].author == "facilitator" and state.ideas["n2"].group is None


def test_a_paused_phase_refuses_posting_and_voting_but_not_editing_or_withdrawing() -> None:
    state = posted(a=ANNA)
    assert refusal(state, WORK, PostIdea(text="x"), BO, paused=True) == "paused"
    state = run(state, WORK, EditIdea(idea="a", text="better"), ANNA, paused=True)
    assert state.ideas["a"].text == "better"
    state = run(state, VOTE, Vote(idea="a"), BO)
    assert refusal(state, VOTE, Vote(idea="a"), ANNA, paused=True) == "paused"
    assert refusal(state, VOTE, Unvote(idea="a"), BO, paused=True) == "paused"


# --- anonymity --------------------------------------------------------------------------


def test_an_anonymous_phase_makes_every_idea_anonymous_and_keeps_the_author_for_edits() -> None:
    state = run(joined(), SECRET, PostIdea(text="quiet", anonymous=False), ANNA, "q")
    idea = state.ideas["q"]
    assert idea.anonymous is True and idea.author == "anna"
    assert refusal(state, SECRET, EditIdea(idea="q", text="loud"), BO) == "not_author"
    state = run(state, SECRET, EditIdea(idea="q", text="still quiet"), ANNA)
    assert state.ideas["q"].anonymous is True


def test_a_participant_may_choose_anonymity_where_the_phase_leaves_it_open() -> None:
    state = run(joined(), WORK, PostIdea(text="mine", anonymous=True), ANNA, "m")
    state = run(state, WORK, PostIdea(text="ours"), BO, "o")
    assert (state.ideas["m"].anonymous, state.ideas["o"].anonymous) == (True, False)


# --- editing and deleting ---------------------------------------------------------------


def test_authors_edit_and_delete_their_own_ideas_and_the_facilitator_any() -> None:
    state = posted(a=ANNA, b=BO)
    assert refusal(state, WORK, EditIdea(idea="a", text="mine now"), BO) == "not_author"
    assert refusal(state, WORK, DeleteIdea(idea="a"), BO) == "not_author"
    state = run(state, WORK, EditIdea(idea="a", text="clearer"), ANNA)
    state = run(state, WORK, EditIdea(idea="b", text="typo fixed"), FACILITATOR)
    assert (state.ideas["a"].text, state.ideas["b"].text) == ("clearer", "typo fixed")
    state = run(state, WORK, DeleteIdea(idea="a"), ANNA)
    state = run(state, None, DeleteIdea(idea="b"), FACILITATOR)
    assert dict(state.ideas) == {}
    assert refusal(state, WORK, EditIdea(idea="a", text="x"), ANNA) == "no_idea"
    assert refusal(state, WORK, DeleteIdea(idea="a"), ANNA) == "no_idea"


def test_an_edit_obeys_the_text_limits_and_must_change_something() -> None:
    state = posted(a=ANNA)
    assert refusal(state, WORK, EditIdea(idea="a", text="  "), ANNA) == "empty_idea"
    assert refusal(state, WORK, EditIdea(idea="a", text="y" * 501), ANNA) == "idea_too_long"
    assert refusal(state, WORK, EditIdea(idea="a", text=" a "), ANNA) == "unchanged"


@pytest.mark.parametrize("phase", [VOTE, TALK, NOTES, None], ids=["vote", "plenum", "other", "-"])
def test_authors_cannot_change_their_ideas_once_their_board_is_closed(phase: Phase | None) -> None:
    state = posted(a=ANNA)
    assert refusal(state, phase, EditIdea(idea="a", text="after the vote"), ANNA) == "board_closed"
    assert refusal(state, phase, DeleteIdea(idea="a"), ANNA) == "board_closed"
    state = run(state, phase, EditIdea(idea="a", text="moderated"), FACILITATOR)
    assert state.ideas["a"].text == "moderated"


def test_deleting_an_idea_gives_its_votes_back() -> None:
    state = run(posted(a=ANNA, b=BO), VOTE, Vote(idea="a"), BO)
    state = run(state, VOTE, Vote(idea="b"), BO)
    assert state.votes_left("vote", "bo", 3) == 1
    state = run(state, VOTE, DeleteIdea(idea="a"), FACILITATOR)
    assert state.votes_left("vote", "bo", 3) == 2
    assert state.tally("vote") == {"b": 1}


# --- moderation -------------------------------------------------------------------------


def test_a_hidden_idea_leaves_the_board_and_only_the_facilitator_can_reach_it() -> None:
    state = run(posted(a=ANNA, b=BO), WORK, HideIdea(idea="a"), FACILITATOR)
    assert state.ideas["a"].hidden
    assert [idea.id for idea in visibility.WALL.ideas(state, "ideas")] == ["b"]
    assert refusal(state, WORK, EditIdea(idea="a", text="x"), ANNA) == "no_idea"
    assert refusal(state, VOTE, Vote(idea="a"), BO) == "no_idea"
    assert refusal(state, VOTE, Vote(idea="a"), FACILITATOR) == "not_an_actor"
    assert refusal(state, WORK, HideIdea(idea="a"), FACILITATOR) == "unchanged"
    state = run(state, WORK, EditIdea(idea="a", text="toned down"), FACILITATOR)
    state = run(state, WORK, UnhideIdea(idea="a"), FACILITATOR)
    assert [idea.id for idea in visibility.WALL.ideas(state, "ideas")] == ["a", "b"]
    assert refusal(state, WORK, UnhideIdea(idea="a"), FACILITATOR) == "unchanged"
    assert refusal(state, WORK, HideIdea(idea="nope"), FACILITATOR) == "no_idea"


FACILITATOR_COMMANDS: list[BoardCommand] = [
    HideIdea(idea="a"),
    UnhideIdea(idea="a"),
    MergeIdeas(source="a", target="b"),
    CreateTheme(name="t"),
    RenameTheme(theme="t", name="u"),
    AssignTheme(idea="a", theme=None),
    RevealVotes(),
    FormGroups(seed=1),
    MoveParticipant(participant="anna", group="g1"),
]


@pytest.mark.parametrize("command", FACILITATOR_COMMANDS, ids=lambda c: c.type)
def test_moderation_themes_reveal_and_groups_are_for_the_facilitator_alone(
    command: BoardCommand,
) -> None:
    state = posted(a=ANNA, b=BO)
    for actor in (ANNA, LEA):
        for phase in (WORK, VOTE):
            assert refusal(state, phase, command, actor) == "forbidden"


def test_merging_moves_the_votes_to_the_target_and_the_source_disappears() -> None:
    state = posted(a=ANNA, b=BO, c=CARL)
    state = run(state, DOTS, Vote(idea="a"), BO)
    state = run(state, DOTS, Vote(idea="a"), BO)
    state = run(state, DOTS, Vote(idea="b"), BO)
    state = run(state, DOTS, Vote(idea="a"), CARL)
    events = outcome(state, DOTS, MergeIdeas(source="a", target="b"), FACILITATOR)
    assert isinstance(events, list) and isinstance(events[0], IdeasMerged)
    assert events[0].votes_moved == 3
    state = fold(state, events)
    assert state.ideas["a"].merged_into == "b"
    assert [idea.id for idea in visibility.WALL.ideas(state, "ideas")] == ["b", "c"]
    assert state.tally("dots") == {"b": 4}
    # The move is capped by nothing: Bo now has 3 votes on b although max_per_idea is 2,
    # and his total is what it was.
    assert state.votes_of("dots", "bo") == {"b": 3}
    assert state.votes_left("dots", "bo", 4) == 1
    assert refusal(state, DOTS, Vote(idea="b"), BO) == "idea_limit"
    assert refusal(state, DOTS, Vote(idea="a"), CARL) == "no_idea"
    assert refusal(state, DOTS, Unvote(idea="a"), CARL) == "no_idea"
    assert refusal(state, WORK, UnhideIdea(idea="a"), FACILITATOR) == "no_idea"
    assert refusal(state, WORK, MergeIdeas(source="a", target="c"), FACILITATOR) == "no_idea"


def test_merging_a_merged_into_idea_repoints_the_earlier_merge_to_the_new_target() -> None:
    state = run(posted(a=ANNA, b=BO, c=CARL), VOTE, Vote(idea="a"), BO)
    state = run(state, WORK, MergeIdeas(source="a", target="b"), FACILITATOR)
    state = run(state, WORK, MergeIdeas(source="b", target="c"), FACILITATOR)
    assert (state.ideas["a"].merged_into, state.ideas["b"].merged_into) == ("c", "c")
    assert state.tally("vote") == {"c": 1}


def test_merging_needs_two_different_ideas_on_one_board() -> None:
    state = posted(posted(a=ANNA, b=BO), NOTES, n=CARL)
    assert refusal(state, WORK, MergeIdeas(source="a", target="a"), FACILITATOR) == "same_idea"
    assert refusal(state, WORK, MergeIdeas(source="a", target="n"), FACILITATOR) == "boards_differ"
    assert refusal(state, WORK, MergeIdeas(source="a", target="z"), FACILITATOR) == "no_idea"


def test_deleting_an_idea_takes_the_ideas_merged_into_it_along() -> None:
    state = run(posted(a=ANNA, b=BO, c=CARL), VOTE, Vote(idea="a"), CARL)
    state = run(state, WORK, MergeIdeas(source="a", target="b"), FACILITATOR)
    state = run(state, WORK, DeleteIdea(idea="b"), FACILITATOR)
    assert list(state.ideas) == ["c"]
    assert state.tally("vote") == {}
    assert state.votes_left("vote", "carl", 3) == 3


# --- themes -----------------------------------------------------------------------------


def test_a_theme_goes_to_the_current_phases_board_or_the_one_named() -> None:
    state = run(joined(), WORK, CreateTheme(name=" Én indgang "), FACILITATOR, "t1")
    state = run(state, VOTE, CreateTheme(name="Sparring"), FACILITATOR, "t2")
    state = run(state, None, CreateTheme(name="Later", board="notes"), FACILITATOR, "t3")
    assert [(t.board, t.name) for t in state.themes.values()] == [
        ("ideas", "Én indgang"),
        ("ideas", "Sparring"),
        ("notes", "Later"),
    ]
    assert [t.id for t in state.themes_of("ideas")] == ["t1", "t2"]


@pytest.mark.parametrize("phase", [None, TALK, ALONE], ids=["lobby", "plenum", "no-board"])
def test_a_theme_without_a_board_is_refused(phase: Phase | None) -> None:
    assert refusal(joined(), phase, CreateTheme(name="x"), FACILITATOR) == "no_board"


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "empty_theme_name"), ("   ", "empty_theme_name"), ("t" * 81, "theme_too_long")],
)
def test_a_theme_name_needs_1_to_80_characters(name: str, code: str) -> None:
    state = run(joined(), WORK, CreateTheme(name="ok"), FACILITATOR, "t")
    assert refusal(state, WORK, CreateTheme(name=name), FACILITATOR) == code
    assert refusal(state, WORK, RenameTheme(theme="t", name=name), FACILITATOR) == code


def test_theme_names_are_unique_per_board_whatever_their_case() -> None:
    state = run(joined(), WORK, CreateTheme(name="Service"), FACILITATOR, "t1")
    state = run(state, WORK, CreateTheme(name="Tid"), FACILITATOR, "t2")
    assert refusal(state, WORK, CreateTheme(name="SERVICE"), FACILITATOR) == "theme_exists"
    assert refusal(state, WORK, RenameTheme(theme="t2", name="service"), FACILITATOR) == (
        "theme_exists"
    )
    assert refusal(state, WORK, CreateTheme(name="x"), FACILITATOR, "t1") == "duplicate"
    state = run(state, WORK, CreateTheme(name="Service", board="notes"), FACILITATOR)
    assert len(state.themes) == 3


def test_renaming_a_theme_changes_its_name_and_may_change_only_its_case() -> None:
    state = run(joined(), WORK, CreateTheme(name="service"), FACILITATOR, "t")
    state = run(state, None, RenameTheme(theme="t", name="Service"), FACILITATOR)
    assert state.themes["t"].name == "Service"
    assert refusal(state, WORK, RenameTheme(theme="t", name="Service"), FACILITATOR) == (
        "unchanged"
    )
    assert refusal(state, WORK, RenameTheme(theme="zz", name="x"), FACILITATOR) == "no_theme"


def test_assigning_puts_an_idea_in_a_theme_of_its_board_and_none_takes_it_out() -> None:
    state = posted(a=ANNA)
    state = run(state, WORK, CreateTheme(name="Service"), FACILITATOR, "t")
    state = run(state, None, CreateTheme(name="Other", board="notes"), FACILITATOR, "o")
    state = run(state, WORK, AssignTheme(idea="a", theme="t"), FACILITATOR)
    assert state.ideas["a"].theme == "t"
    assert refusal(state, WORK, AssignTheme(idea="a", theme="t"), FACILITATOR) == "unchanged"
    assert refusal(state, WORK, AssignTheme(idea="a", theme="o"), FACILITATOR) == (
        "theme_elsewhere"
    )
    assert refusal(state, WORK, AssignTheme(idea="a", theme="zz"), FACILITATOR) == "no_theme"
    assert refusal(state, WORK, AssignTheme(idea="zz", theme="t"), FACILITATOR) == "no_idea"
    state = run(state, WORK, AssignTheme(idea="a", theme=None), FACILITATOR)
    assert state.ideas["a"].theme is None
    assert refusal(state, WORK, AssignTheme(idea="a", theme=None), FACILITATOR) == "unchanged"


def test_editing_or_hiding_an_idea_keeps_its_theme_and_its_place() -> None:
    state = run(posted(a=ANNA, b=BO), WORK, CreateTheme(name="S"), FACILITATOR, "t")
    state = run(state, WORK, AssignTheme(idea="a", theme="t"), FACILITATOR)
    state = run(state, WORK, EditIdea(idea="a", text="changed"), ANNA)
    state = run(state, WORK, HideIdea(idea="a"), FACILITATOR)
    assert state.ideas["a"].theme == "t" and list(state.ideas) == ["a", "b"]


# --- voting -----------------------------------------------------------------------------


def test_votes_count_per_phase_and_can_be_withdrawn() -> None:
    state = posted(a=ANNA, b=BO)
    state = run(state, VOTE, Vote(idea="a"), BO)
    state = run(state, VOTE, Vote(idea="b"), BO)
    state = run(state, VOTE, Vote(idea="a"), LEA)
    assert state.tally("vote") == {"a": 2, "b": 1}
    assert state.votes_left("vote", "bo", VOTE.votes_per_person) == 1
    state = run(state, VOTE, Unvote(idea="a"), BO)
    assert state.tally("vote") == {"a": 1, "b": 1}
    assert state.votes_of("vote", "bo") == {"b": 1}
    assert state.tally("dots") == {}


def test_voting_needs_a_vote_phase_under_way() -> None:
    state = posted(a=ANNA)
    assert refusal(state, None, Vote(idea="a"), BO) == "not_running"
    assert refusal(state, None, Unvote(idea="a"), BO) == "not_running"
    assert refusal(state, WORK, Vote(idea="a"), BO) == "not_voting"
    assert refusal(state, WORK, Unvote(idea="a"), BO) == "not_voting"


def test_the_vote_budget_is_per_person_per_vote_phase() -> None:
    state = posted(a=ANNA, b=BO, c=CARL, d=LEA)
    for key in "abc":
        state = run(state, VOTE, Vote(idea=key), BO)
    budget = outcome(state, VOTE, Vote(idea="d"), BO)
    assert isinstance(budget, Refusal) and budget.code == "no_votes"
    assert budget.render() == "You have used all your votes (3)."
    state = run(state, DOTS, Vote(idea="d"), BO)
    assert state.votes_left("dots", "bo", DOTS.votes_per_person) == 3


def test_one_idea_takes_at_most_max_per_idea_of_a_voters_votes() -> None:
    state = posted(a=ANNA)
    assert refusal(run(state, VOTE, Vote(idea="a"), BO), VOTE, Vote(idea="a"), BO) == "idea_limit"
    state = run(run(state, DOTS, Vote(idea="a"), BO), DOTS, Vote(idea="a"), BO)
    assert refusal(state, DOTS, Vote(idea="a"), BO) == "idea_limit"
    assert state.tally("dots") == {"a": 2}


def test_votes_go_only_to_existing_visible_ideas_on_the_phase_board() -> None:
    state = posted(posted(a=ANNA), NOTES, n=BO)
    assert refusal(state, VOTE, Vote(idea="n"), CARL) == "not_on_board"
    assert refusal(state, VOTE, Vote(idea="nope"), CARL) == "no_idea"


def test_only_votes_you_cast_can_be_withdrawn() -> None:
    state = run(posted(a=ANNA), VOTE, Vote(idea="a"), BO)
    assert refusal(state, VOTE, Unvote(idea="a"), CARL) == "not_voted"
    assert refusal(state, DOTS, Unvote(idea="a"), BO) == "not_voted"
    assert refusal(state, VOTE, Unvote(idea="nope"), BO) == "no_idea"


def test_a_vote_on_an_idea_hidden_since_can_still_be_withdrawn() -> None:
    state = run(posted(a=ANNA), VOTE, Vote(idea="a"), BO)
    state = run(state, VOTE, HideIdea(idea="a"), FACILITATOR)
    state = run(state, VOTE, Unvote(idea="a"), BO)
    assert state.votes_left("vote", "bo", 3) == 3


def test_a_leaders_only_vote_refuses_participants() -> None:
    leaders_vote = VOTE.model_copy(update={"actors": (Role.LEADER,)})
    state = posted(a=ANNA)
    assert refusal(state, leaders_vote, Vote(idea="a"), BO) == "leaders_phase"
    assert run(state, leaders_vote, Vote(idea="a"), LEA).tally("vote") == {"a": 1}


def test_the_facilitator_votes_only_where_the_agenda_lists_the_facilitator() -> None:
    state = posted(a=ANNA)
    assert refusal(state, VOTE, Vote(idea="a"), FACILITATOR) == "not_an_actor"
    everyone = VOTE.model_copy(update={"actors": (Role.FACILITATOR, Role.PARTICIPANT, Role.LEADER)})
    state = run(state, everyone, Vote(idea="a"), FACILITATOR)
    assert state.votes_of("vote", "facilitator") == {"a": 1}


def test_revealing_makes_the_counts_public_once_and_closes_the_vote() -> None:
    state = run(posted(a=ANNA), VOTE, Vote(idea="a"), BO)
    assert "vote" not in state.revealed
    state = run(state, VOTE, RevealVotes(), FACILITATOR, paused=True)
    assert state.revealed == {"vote"}
    assert refusal(state, VOTE, RevealVotes(), FACILITATOR) == "votes_already_revealed"
    assert refusal(state, VOTE, Vote(idea="a"), CARL) == "voting_closed"
    assert refusal(state, VOTE, Unvote(idea="a"), BO) == "voting_closed"
    assert run(state, DOTS, Vote(idea="a"), CARL).tally("dots") == {"a": 1}


@pytest.mark.parametrize(("phase", "code"), [(None, "not_running"), (WORK, "not_voting")])
def test_revealing_needs_a_vote_phase(phase: Phase | None, code: str) -> None:
    assert refusal(joined(), phase, RevealVotes(), FACILITATOR) == code


VOTERS = (ANNA, BO, CARL, LEA)
IDEAS = ("a", "b", "c", "hidden", "notes", "gone")
votes_script = st.lists(
    st.tuples(
        st.sampled_from(["vote", "unvote", "hide", "unhide", "reveal"]),
        st.sampled_from(VOTERS),
        st.sampled_from(IDEAS),
        st.sampled_from([VOTE, DOTS]),
    ),
    max_size=60,
)


def _with_ideas_to_vote_on() -> BoardState:
    state = posted(a=ANNA, b=BO, c=CARL, hidden=LEA)
    state = posted(state, NOTES, notes=ANNA)
    return run(state, WORK, HideIdea(idea="hidden"), FACILITATOR)


@settings(max_examples=300, deadline=None)
@given(budget=st.integers(1, 5), cap=st.integers(1, 5), script=votes_script, paused=st.booleans())
def test_no_sequence_of_votes_breaks_the_budget_or_the_per_idea_limit(
    budget: int, cap: int, script: list[tuple[str, Actor, str, VotePhase]], paused: bool
) -> None:
    phases = {
        key: VotePhase(
            key=key,
            title=TITLE,
            minutes=5,
            board="ideas",
            votes_per_person=budget,
            max_per_idea=min(cap, budget),
        )
        for key in ("vote", "dots")
    }
    state = _with_ideas_to_vote_on()
    for action, voter, idea, which in script:
        phase = phases[which.key]
        command: BoardCommand
        actor = FACILITATOR
        match action:
            case "vote":
                command, actor = Vote(idea=idea), voter
            case "unvote":
                command, actor = Unvote(idea=idea), voter
            case "hide":
                command = HideIdea(idea=idea)
            case "unhide":
                command = UnhideIdea(idea=idea)
            case _:
                command = RevealVotes()
        before = state
        answer = outcome(state, phase, command, actor, paused=paused and action != "reveal")
        if isinstance(answer, Refusal):
            used = sum(state.votes_of(phase.key, actor_key(voter)).values())
            assert (answer.code == "no_votes") == (
                action == "vote"
                and not paused
                and used >= budget
                and phase.key not in state.revealed
                and idea in {visible.id for visible in visibility.WALL.ideas(state, "ideas")}
            )
            continue
        state = fold(state, answer)
        if action == "vote":
            assert sum(before.votes_of(phase.key, actor_key(voter)).values()) < budget
        for key, vote_phase in phases.items():
            ballots = state.votes.get(key, {})
            for ballot in ballots.values():
                assert sum(ballot.values()) <= vote_phase.votes_per_person
                assert all(0 < n <= vote_phase.max_per_idea for n in ballot.values())
                assert set(ballot) <= {"a", "b", "c", "hidden"}
            totals: dict[str, int] = {}
            for ballot in ballots.values():
                for voted, n in ballot.items():
                    totals[voted] = totals.get(voted, 0) + n
            assert state.tally(key) == totals
            assert all(
                state.votes_left(key, v, budget) == budget - sum(b.values())
                for v, b in ballots.items()
            )
    if paused:
        assert all(not state.votes.get(key) for key in phases)


def actor_key(actor: Actor) -> str:
    assert actor.participant_id is not None
    return actor.participant_id


# --- groups -----------------------------------------------------------------------------


def test_forming_groups_places_every_member_whose_role_takes_part() -> None:
    people = [Actor(Role.PARTICIPANT, f"p{n}") for n in range(7)]
    state = joined(*people, LEA)
    state = run(state, WORK, FormGroups(seed=42), FACILITATOR)
    placed = state.groups["work"]
    assert set(placed) == {f"p{n}" for n in range(7)} | {"lea"}
    assert len(set(placed.values())) == 4  # 8 people in twos
    staff_only = WORK.model_copy(update={"key": "staff", "actors": (Role.PARTICIPANT,)})
    state = run(state, staff_only, FormGroups(seed=42), FACILITATOR)
    assert "lea" not in state.groups["staff"]


def test_forming_groups_again_replaces_the_phases_groups_and_keeps_other_phases() -> None:
    state = run(joined(), WORK, FormGroups(seed=1), FACILITATOR)
    again = run(state, SECRET, FormGroups(seed=1), FACILITATOR)
    again = run(again, WORK, FormGroups(seed=2), FACILITATOR)
    assert set(again.groups) == {"work", "secret"}
    assert set(again.groups["work"]) == set(state.groups["work"])


def test_forming_groups_needs_a_group_work_phase_and_someone_to_group() -> None:
    assert refusal(joined(), None, FormGroups(seed=1), FACILITATOR) == "not_running"
    assert refusal(joined(), VOTE, FormGroups(seed=1), FACILITATOR) == "not_group_work"
    assert refusal(BoardState.empty(), WORK, FormGroups(seed=1), FACILITATOR) == "nobody"
    assert refusal(joined(ANNA), LEADERS, FormGroups(seed=1), FACILITATOR) == "nobody"


def test_the_same_seed_forms_the_same_groups() -> None:
    first = outcome(joined(), WORK, FormGroups(seed=7), FACILITATOR)
    second = outcome(joined(), WORK, FormGroups(seed=7), FACILITATOR)
    assert first == second


def test_moving_a_participant_changes_their_group_for_that_phase_and_their_later_posts() -> None:
    state = run(joined(), WORK, FormGroups(seed=5), FACILITATOR)
    there = next(g for g in state.groups["work"].values() if g != state.group_of("work", "anna"))
    state = run(state, WORK, MoveParticipant(participant="anna", group=there), FACILITATOR)
    assert state.group_of("work", "anna") == there
    assert run(state, WORK, PostIdea(text="x"), ANNA, "x").ideas["x"].group == there
    move = MoveParticipant(participant="anna", group=there)
    assert refusal(state, WORK, move, FACILITATOR) == "unchanged"


def test_a_group_is_found_by_its_id_in_any_case_or_by_its_number_as_the_screens_show_it() -> None:
    state = run(joined(), WORK, FormGroups(seed=5), FACILITATOR)
    there = next(g for g in state.groups["work"].values() if g != state.group_of("work", "anna"))
    for typed in (f" {there.upper()} ", there[1:]):  # as the console's list, as the wall
        moved = run(state, WORK, MoveParticipant(participant="anna", group=typed), FACILITATOR)
        assert moved.group_of("work", "anna") == there


def test_moving_needs_groups_a_member_and_an_existing_group() -> None:
    move = MoveParticipant(participant="anna", group="g1")
    assert refusal(joined(), None, move, FACILITATOR) == "not_running"
    assert refusal(joined(), VOTE, move, FACILITATOR) == "not_group_work"
    assert refusal(joined(), WORK, move, FACILITATOR) == "no_groups"
    state = run(joined(), WORK, FormGroups(seed=5), FACILITATOR)
    nobody = MoveParticipant(participant="zed", group="g1")
    assert refusal(state, WORK, nobody, FACILITATOR) == "no_participant"
    far = outcome(state, WORK, MoveParticipant(participant="anna", group="g9"), FACILITATOR)
    assert isinstance(far, Refusal) and far.code == "no_group"
    assert far.render() == "There is no group g9."


def test_a_member_who_joins_after_the_groups_are_formed_posts_without_a_group() -> None:
    state = run(joined(ANNA, BO), WORK, FormGroups(seed=5), FACILITATOR)
    state = run(state, None, Join(name="Carl", department="Plan"), CARL, "carl")
    assert run(state, WORK, PostIdea(text="late"), CARL, "l").ideas["l"].group is None


# --- state and messages -----------------------------------------------------------------


def test_evolve_leaves_the_old_state_as_it_was_and_mappings_are_read_only() -> None:
    state = posted(a=ANNA)
    snapshot = (
        dict(state.ideas),
        dict(state.members),
        {k: dict(v) for k, v in state.votes.items()},
    )
    after = run(state, VOTE, Vote(idea="a"), BO)
    after = run(after, WORK, EditIdea(idea="a", text="new"), ANNA)
    after = run(after, WORK, FormGroups(seed=1), FACILITATOR)
    assert snapshot == (dict(state.ideas), dict(state.members), dict(state.votes))
    assert state.ideas["a"].text == "a" and after.ideas["a"].text == "new"
    for mapping in (after.ideas, after.members, after.votes, after.groups, after.themes):
        assert isinstance(mapping, MappingProxyType)
    with pytest.raises(TypeError):
        after.ideas["z"] = after.ideas["a"]  # type: ignore[index]
    with pytest.raises(TypeError):
        after.votes["vote"]["bo"]["a"] = 9  # type: ignore[index]


def _a_whole_session() -> list[BoardEvent]:
    state, events = joined(), []
    script: list[tuple[Phase, BoardCommand, Actor]] = [
        (WORK, FormGroups(seed=9), FACILITATOR),
        (WORK, PostIdea(text="one"), ANNA),
        (WORK, PostIdea(text="two"), BO),
        (WORK, CreateTheme(name="T"), FACILITATOR),
        (VOTE, Vote(idea="i1"), CARL),
        (VOTE, Vote(idea="i0"), CARL),
        (VOTE, Unvote(idea="i0"), CARL),
        (VOTE, RevealVotes(), FACILITATOR),
        (WORK, EditIdea(idea="i0", text="uno"), ANNA),
        (WORK, HideIdea(idea="i0"), FACILITATOR),
        (WORK, UnhideIdea(idea="i0"), FACILITATOR),
        (WORK, AssignTheme(idea="i0", theme="i2"), FACILITATOR),
        (WORK, RenameTheme(theme="i2", name="U"), FACILITATOR),
        (WORK, MergeIdeas(source="i0", target="i1"), FACILITATOR),
        (WORK, DeleteIdea(idea="i1"), BO),
        (WORK, MoveParticipant(participant="anna", group="?"), FACILITATOR),
    ]
    for number, (phase, command, actor) in enumerate(script):
        if isinstance(command, MoveParticipant):
            away = {"g1": "g2", "g2": "g1"}[state.group_of("work", "anna") or "g1"]
            command = command.model_copy(update={"group": away})
        answer = outcome(state, phase, command, actor, f"i{number - 1}")
        assert not isinstance(answer, Refusal), (command, answer)
        events.extend(answer)
        state = fold(state, answer)
    return events


def test_every_event_survives_a_trip_through_json_and_replays_to_the_same_state() -> None:
    events = _a_whole_session()
    kinds = {event.type for event in events} | {"participant_joined"}
    assert len(kinds) == 15
    again = [BOARD_EVENTS.validate_json(BOARD_EVENTS.dump_json(event)) for event in events]
    assert again == events
    assert fold(joined(), again) == fold(joined(), events)


def test_commands_parse_from_the_wire_on_their_type_and_reject_strays() -> None:
    assert BOARD_COMMANDS.validate_python({"type": "vote", "idea": "a"}) == Vote(idea="a")
    post = BOARD_COMMANDS.validate_json('{"type": "post_idea", "text": "hi"}')
    assert post == PostIdea(text="hi", anonymous=False)
    theme = BOARD_COMMANDS.validate_python({"type": "create_theme", "name": "T"})
    assert theme == CreateTheme(name="T", board=None)
    for bad in ({"type": "vote"}, {"type": "vote", "idea": "a", "n": 2}, {"type": "nope"}):
        with pytest.raises(ValidationError):
            BOARD_COMMANDS.validate_python(bad)


def test_an_idea_posted_event_carries_its_author_even_when_anonymous() -> None:
    answer = outcome(joined(), SECRET, PostIdea(text="x"), ANNA, "s")
    assert answer == [
        IdeaPosted(
            at=T0,
            idea="s",
            board="ideas",
            group=None,
            author="anna",
            text="x",
            anonymous=True,
            phase="secret",
        )
    ]


def test_every_refusal_has_its_own_code_and_a_message_without_loose_placeholders() -> None:
    fixed = [r for r in vars(board_rules).values() if isinstance(r, Refusal)]
    made = [
        board_rules.no_group("g1"),
        board_rules.no_votes_left(3),
        board_rules.idea_limit(1),
        board_rules.theme_exists("T"),
    ]
    refusals = fixed + made
    assert len({r.code for r in refusals}) == len({r.message for r in refusals}) == len(refusals)
    for r in refusals:
        assert "{" not in r.render() and r.code != "refused"


def test_a_break_phase_takes_no_contributions() -> None:
    state = posted(a=ANNA)
    assert refusal(state, COFFEE, PostIdea(text="x"), ANNA) == "no_board"
    assert refusal(state, COFFEE, Vote(idea="a"), ANNA) == "not_voting"
    assert refusal(state, COFFEE, EditIdea(idea="a", text="y"), ANNA) == "board_closed"


def test_decide_reads_the_clock_it_is_given() -> None:
    later = T0 + timedelta(hours=2)
    answer = decide(joined(), WORK, PostIdea(text="x"), ANNA, later, "x")
    assert isinstance(answer, list)
    assert fold(joined(), answer).ideas["x"].posted_at == later
