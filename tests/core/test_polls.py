"""Polls: one answer per person, changeable until the reveal, results hidden until then."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import Role
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.poll_messages import PollRevealed
from facilitator.core.polls import results
from tests.core.plenary import AGENDA, INDEX, Workshop, guest, participant

ANNA, BO, CAI = participant("anna"), participant("bo"), participant("cai")
LEA = Actor(Role.LEADER, "lea")
GUEST = guest("gitte")
PROJECTOR = Actor(Role.PROJECTOR)


def room(phase: str) -> Workshop:
    workshop = Workshop()
    for person in (ANNA, BO, CAI, LEA):
        workshop.join(person)
    workshop.join(GUEST, "Gitte", "")
    workshop.at(phase)
    return workshop


def poll(key: str):  # type: ignore[no-untyped-def]
    return AGENDA.phases[INDEX[key]]


def test_a_single_choice_poll_counts_one_answer_per_person_changeable_until_revealed() -> None:
    workshop = room("model")
    workshop.ok(ANNA, type="answer_poll", answer="one-door")
    workshop.ok(BO, type="answer_poll", answer="one-door")
    workshop.ok(ANNA, type="answer_poll", answer=["contact"])  # changed her mind
    assert workshop.refused(ANNA, type="answer_poll", answer="contact") == "unchanged"
    given = workshop.state.polls.of("model")
    assert dict(given) == {"anna": "contact", "bo": "one-door"}
    for viewer in (ANNA, LEA, GUEST, PROJECTOR):
        assert not visibility.of(viewer).poll_results(workshop.state.polls, "model")
    assert visibility.of(FACILITATOR).poll_results(workshop.state.polls, "model")
    [revealed] = workshop.ok(FACILITATOR, type="reveal_poll")
    assert isinstance(revealed, PollRevealed)
    assert revealed.results.counts == {"one-door": 1, "contact": 1, "as-today": 0}
    assert revealed.results.answered == 2
    assert visibility.of(PROJECTOR).poll_results(workshop.state.polls, "model")
    assert workshop.refused(CAI, type="answer_poll", answer="as-today") == "poll_closed"
    assert workshop.refused(FACILITATOR, type="reveal_poll") == "unchanged"


def test_bad_answers_are_refused_and_nothing_changes() -> None:
    cases = {
        "model": [
            (["one-door", "contact"], "one_choice"),
            ("nowhere", "no_option"),
            ([], "no_choice"),
            (3, "bad_answer"),
        ],
        "several": [
            (["one-door", "contact", "as-today"], "too_many_choices"),
            (["one-door", "nowhere"], "no_option"),
            ("x", "no_option"),
            (2, "bad_answer"),
        ],
        "scale": [(0, "off_scale"), (6, "off_scale"), ("3", "bad_answer"), (["3"], "bad_answer")],
        "words": [("   ", "empty_answer"), ("x" * 201, "answer_too_long"), (4, "bad_answer")],
    }
    for key, answers in cases.items():
        workshop = room(key)
        for answer, code in answers:
            assert workshop.refused(ANNA, type="answer_poll", answer=answer) == code, (key, answer)
        assert workshop.refused(FACILITATOR, type="reveal_poll") == "no_answers"


def test_who_answers_is_the_phases_actors_guests_only_if_listed() -> None:
    workshop = room("model")
    assert workshop.refused(GUEST, type="answer_poll", answer="one-door") == "guests_phase"
    assert workshop.refused(FACILITATOR, type="answer_poll", answer="one-door") == "not_an_actor"
    stranger = participant("stranger")
    assert workshop.refused(stranger, type="answer_poll", answer="one-door") == "not_joined"
    assert workshop.refused(PROJECTOR, type="answer_poll", answer="one-door") == "read_only"
    assert workshop.refused(ANNA, type="reveal_poll") == "forbidden"
    workshop.at("words")  # this one lists guests
    workshop.ok(GUEST, type="answer_poll", answer="  Én dør, tak  ")
    assert workshop.state.polls.of("words")["gitte"] == "Én dør, tak"
    workshop.at("talk")
    assert workshop.refused(ANNA, type="answer_poll", answer="x") == "not_poll"


def test_multiple_choices_are_kept_in_the_options_order_and_a_scale_has_a_mean() -> None:
    workshop = room("several")
    workshop.ok(ANNA, type="answer_poll", answer=["as-today", "one-door", "one-door"])
    assert workshop.state.polls.of("several")["anna"] == ("one-door", "as-today")
    workshop.ok(BO, type="answer_poll", answer="contact")
    counted = results(poll("several"), workshop.state.polls.of("several"))
    assert counted.counts == {"one-door": 1, "contact": 1, "as-today": 1}
    workshop.at("scale")
    for person, value in ((ANNA, 2), (BO, 5), (CAI, 5)):
        workshop.ok(person, type="answer_poll", answer=value)
    scaled = results(poll("scale"), workshop.state.polls.of("scale"))
    assert scaled.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2} and scaled.mean == 4.0


def test_free_text_answers_are_listed_sorted_not_in_the_order_given() -> None:
    workshop = room("words")
    for person, words in ((ANNA, "Ét nummer"), (BO, "alle afdelinger"), (CAI, "Bedre web")):
        workshop.ok(person, type="answer_poll", answer=words)
    texts = results(poll("words"), workshop.state.polls.of("words")).texts
    assert texts == ("alle afdelinger", "Bedre web", "Ét nummer")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["anna", "bo", "cai"]),
            st.sampled_from(["one-door", "contact", "as-today", "nowhere"]),
        ),
        max_size=30,
    )
)
def test_however_people_change_their_minds_each_counts_once(moves: list[tuple[str, str]]) -> None:
    workshop = room("model")
    last: dict[str, str] = {}
    for name, option in moves:
        workshop.send(participant(name), type="answer_poll", answer=option)
        if option != "nowhere":
            last[name] = option
    counted = results(poll("model"), workshop.state.polls.of("model"))
    assert counted.answered == len(last) == sum((counted.counts or {}).values())
    assert dict(workshop.state.polls.of("model")) == last
