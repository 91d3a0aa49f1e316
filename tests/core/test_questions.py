"""Plenum questions: asking, upvoting, moderating and the wall, decided by the core."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import Role
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.question_messages import QuestionPosted
from tests.core.plenary import Workshop, guest, participant

ANNA, BO, CAI = participant("anna"), participant("bo"), participant("cai")
GUEST = guest("gitte")
PROJECTOR = Actor(Role.PROJECTOR)


def room(phase: str = "talk") -> Workshop:
    workshop = Workshop()
    for person in (ANNA, BO, CAI):
        workshop.join(person)
    workshop.join(GUEST, "Gitte Virksomhed", "")
    workshop.at(phase)
    return workshop


def ask(workshop: Workshop, actor: Actor, words: str, **more: Any) -> str:
    [posted] = workshop.ok(actor, type="post_question", text=words, **more)
    assert isinstance(posted, QuestionPosted)
    return posted.question


def test_participants_leaders_and_guests_ask_and_others_upvote_once_each() -> None:
    workshop = room()
    first = ask(workshop, GUEST, "  Hvad betyder kommunen for jer?  ")
    question = workshop.state.questions.questions[first]
    assert (question.text, question.by, question.approved) == (
        "Hvad betyder kommunen for jer?",
        "gitte",
        True,
    )
    workshop.ok(ANNA, type="upvote_question", question=first)
    workshop.ok(BO, type="upvote_question", question=first)
    assert workshop.refused(ANNA, type="upvote_question", question=first) == "already_upvoted"
    assert workshop.refused(GUEST, type="upvote_question", question=first) == "own_question"
    assert workshop.state.questions.questions[first].upvoters == {"anna", "bo"}
    workshop.ok(ANNA, type="withdraw_upvote", question=first)
    assert workshop.refused(ANNA, type="withdraw_upvote", question=first) == "not_upvoted"
    assert workshop.state.questions.questions[first].votes == 1


def test_the_questions_are_ranked_by_upvotes_then_as_asked() -> None:
    workshop = room()
    a, b, c = (ask(workshop, who, f"Spørgsmål {who.participant_id}") for who in (ANNA, BO, CAI))
    workshop.ok(ANNA, type="upvote_question", question=c)
    workshop.ok(BO, type="upvote_question", question=c)
    workshop.ok(CAI, type="upvote_question", question=b)
    seen = visibility.of(ANNA).questions(workshop.state.questions)
    assert [q.id for q in seen] == [c, b, a]


def test_a_moderated_plenum_shows_a_question_to_others_only_once_approved() -> None:
    workshop = room("guests")
    pending = ask(workshop, ANNA, "Hvorfor tager det så lang tid?")
    state = workshop.state.questions
    assert [q.id for q in visibility.of(ANNA).questions(state)] == [pending]  # the asker
    assert visibility.of(BO).questions(state) == []
    assert visibility.of(PROJECTOR).questions(state) == []
    assert [q.id for q in visibility.of(FACILITATOR).questions(state)] == [pending]
    assert workshop.refused(BO, type="upvote_question", question=pending) == "no_question"
    assert workshop.refused(FACILITATOR, type="show_question", question=pending) == "not_approved"
    workshop.ok(FACILITATOR, type="approve_question", question=pending)
    assert workshop.refused(FACILITATOR, type="approve_question", question=pending) == "unchanged"
    workshop.ok(BO, type="upvote_question", question=pending)
    noted = ask(workshop, FACILITATOR, "Fra salen: hvad med små butikker?")
    assert workshop.state.questions.questions[noted].approved  # the facilitator's need none


def test_anonymous_questions_hide_the_asker_from_everyone_but_the_asker() -> None:
    workshop = room("guests")
    key = ask(workshop, ANNA, "Må jeg spørge anonymt?", anonymous=True)
    workshop.ok(FACILITATOR, type="approve_question", question=key)
    question = workshop.state.questions.questions[key]
    assert visibility.of(ANNA).question_asker(question) == "anna"
    for viewer in (BO, GUEST, PROJECTOR, FACILITATOR):
        assert visibility.of(viewer).question_asker(question) is None, viewer
    # The core still knows: nobody may upvote their own anonymous question.
    assert workshop.refused(ANNA, type="upvote_question", question=key) == "own_question"


def test_anonymity_only_where_the_plenum_allows_it() -> None:
    workshop = room("talk")
    assert (
        workshop.refused(ANNA, type="post_question", text="Hej", anonymous=True) == "not_anonymous"
    )


def test_hiding_answering_and_the_wall() -> None:
    workshop = room()
    first, second = ask(workshop, ANNA, "Første"), ask(workshop, BO, "Andet")
    workshop.ok(FACILITATOR, type="show_question", question=first)
    assert workshop.state.questions.wall == first
    assert workshop.refused(FACILITATOR, type="show_question", question=first) == "unchanged"
    workshop.ok(FACILITATOR, type="show_question", question=second)  # one at a time
    assert workshop.state.questions.wall == second
    workshop.ok(FACILITATOR, type="hide_question", question=second)
    assert workshop.state.questions.wall is None  # hidden: off the wall
    assert visibility.of(BO).questions(workshop.state.questions)[0].id == first  # not own hidden
    assert workshop.refused(CAI, type="upvote_question", question=second) == "no_question"
    workshop.ok(FACILITATOR, type="unhide_question", question=second)
    workshop.ok(FACILITATOR, type="mark_answered", question=first)
    assert workshop.state.questions.questions[first].answered
    workshop.ok(FACILITATOR, type="mark_answered", question=first, answered=False)
    workshop.ok(FACILITATOR, type="show_question", question=first)
    workshop.ok(FACILITATOR, type="show_question", question=None)
    assert workshop.refused(FACILITATOR, type="show_question", question=None) == "unchanged"


def test_bad_questions_and_wrong_people_are_refused_and_change_nothing() -> None:
    workshop = room()
    key = ask(workshop, ANNA, "Et spørgsmål")
    for actor, fields, code in (
        (ANNA, {"type": "post_question", "text": "   "}, "empty_question"),
        (ANNA, {"type": "post_question", "text": "x" * 501}, "question_too_long"),
        (ANNA, {"type": "post_question", "text": "nul\x00"}, "bad_characters"),
        (participant("nobody"), {"type": "post_question", "text": "Hej"}, "not_joined"),
        (PROJECTOR, {"type": "post_question", "text": "Hej"}, "read_only"),
        (ANNA, {"type": "approve_question", "question": key}, "forbidden"),
        (GUEST, {"type": "show_question", "question": key}, "forbidden"),
        (FACILITATOR, {"type": "upvote_question", "question": key}, "not_an_actor"),
        (BO, {"type": "upvote_question", "question": "nothing"}, "no_question"),
        (FACILITATOR, {"type": "hide_question", "question": "nothing"}, "no_question"),
    ):
        assert workshop.refused(actor, **fields) == code, fields


def test_questions_belong_to_a_plenum_that_takes_them_and_its_time() -> None:
    workshop = room("talk")
    key = ask(workshop, ANNA, "Til oplægget")
    workshop.at("silent")
    assert workshop.refused(BO, type="post_question", text="Nu?") == "no_questions"
    assert workshop.refused(BO, type="upvote_question", question=key) == "no_questions"
    workshop.at("guests")
    assert workshop.refused(BO, type="upvote_question", question=key) == "other_plenum"
    workshop.ok(FACILITATOR, type="pause")
    assert workshop.refused(BO, type="post_question", text="Under pausen") == "paused"
    ask(workshop, FACILITATOR, "Noteret under pausen")
    workshop.ok(FACILITATOR, type="end")
    assert workshop.refused(BO, type="post_question", text="Bagefter") == "not_running"
    workshop.ok(FACILITATOR, type="mark_answered", question=key)  # moderation goes on


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 3), st.booleans()), max_size=40))
def test_whatever_the_room_does_upvotes_are_never_ones_own_nor_twice(
    moves: list[tuple[str, int, bool]],
) -> None:
    workshop = Workshop()
    people = {name: participant(name) for name in "abcd"}
    for actor in people.values():
        workshop.join(actor)
    workshop.at("talk")
    keys = [ask(workshop, people[name], f"Spørgsmål {name}") for name in "abcd"]
    for name, which, up in moves:
        kind = "upvote_question" if up else "withdraw_upvote"
        workshop.send(people[name], type=kind, question=keys[which])
    for question in workshop.state.questions.questions.values():
        assert question.by not in question.upvoters
        assert question.upvoters <= set("abcd")
