"""The service pulse: answering, closing, and what the answers add up to."""

from __future__ import annotations

from statistics import fmean
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import Role
from facilitator.core import visibility
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.pulse_messages import PulseClosed
from facilitator.core.pulse_results import (
    measurement_result,
    programme_result,
    recommend_result,
)
from facilitator.core.pulse_state import PulseAnswer
from tests.core.plenary import AGENDA, PULSE, Workshop, guest, participant

PEOPLE = [participant(f"p{n}") for n in range(5)]
GUEST = guest("gitte")
LEA = Actor(Role.LEADER, "lea")


def room() -> Workshop:
    workshop = Workshop()
    for person in (*PEOPLE, LEA):
        workshop.join(person)
    workshop.join(GUEST, "Gitte", "")
    workshop.at("pulse")
    return workshop


def answer(overall: int, cases: int, recommend: int | None = None, why: str = "") -> PulseAnswer:
    return PulseAnswer({"overall": overall, "cases": cases}, recommend, why)


def test_one_answer_per_person_changeable_until_closed_then_results_for_everyone() -> None:
    workshop = room()
    for n, person in enumerate(PEOPLE[:2]):
        workshop.ok(person, type="answer_pulse", scores={"overall": 2 + n, "cases": 3})
    workshop.ok(PEOPLE[0], type="answer_pulse", scores={"overall": 4, "cases": 3}, why=" Bedre ")
    given = workshop.state.pulse.of("baseline")
    assert len(given) == 2 and given["p0"] == answer(4, 3, None, "Bedre")
    [closed] = workshop.ok(FACILITATOR, type="close_pulse")
    assert isinstance(closed, PulseClosed)
    assert closed.result.answered == 2 and not closed.result.shown  # 2 < the minimum of 3
    assert closed.result.items == () and closed.result.why == ()
    assert workshop.refused(PEOPLE[2], type="answer_pulse", scores={"overall": 1, "cases": 1}) == (
        "pulse_closed"
    )
    assert workshop.refused(FACILITATOR, type="close_pulse") == "unchanged"


def test_results_show_at_the_minimum_and_only_once_closed_for_every_role_alike() -> None:
    workshop = room()
    for n, person in enumerate(PEOPLE[:3]):
        workshop.ok(person, type="answer_pulse", scores={"overall": 1 + n, "cases": 5}, recommend=9)
    open_now = measurement_result(
        PULSE, "baseline", workshop.state.pulse.of("baseline").values(), closed=False
    )
    assert (open_now.answered, open_now.shown) == (3, False)
    [closed] = workshop.ok(FACILITATOR, type="close_pulse")
    assert isinstance(closed, PulseClosed)
    result = closed.result
    assert result.shown and result.answered == 3
    overall, cases = result.items
    assert overall.distribution == {1: 1, 2: 1, 3: 1, 4: 0, 5: 0}
    assert (overall.n, overall.mean, round(overall.spread, 3), overall.reference) == (
        3,
        2.0,
        1.0,
        3.4,
    )
    assert (cases.mean, cases.spread) == (5.0, 0.0)
    assert result.recommend is not None and result.recommend.nps == 100
    for viewer in (FACILITATOR, LEA, PEOPLE[0], Actor(Role.PROJECTOR)):
        assert visibility.of(viewer).pulse_results(3, 3, True)
        assert not visibility.of(viewer).pulse_results(2, 3, True)
        assert not visibility.of(viewer).pulse_results(3, 3, False)


def test_nobody_sees_anothers_answer_not_even_the_facilitator() -> None:
    for viewer in (FACILITATOR, LEA, PEOPLE[1], Actor(Role.PROJECTOR)):
        assert not visibility.of(viewer).pulse_answer("p0")
    assert visibility.of(PEOPLE[0]).pulse_answer("p0")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"scores": {"overall": 6, "cases": 3}}, "off_scale"),
        ({"scores": {"overall": 0, "cases": 3}}, "off_scale"),
        ({"scores": {"overall": 3}}, "missing_scores"),
        ({"scores": {"overall": 3, "cases": 3, "speed": 2}}, "no_item"),
        ({"scores": {"overall": 3, "cases": 3}, "recommend": 11}, "off_scale"),
        ({"scores": {"overall": 3, "cases": 3}, "recommend": -1}, "off_scale"),
        ({"scores": {"overall": 3, "cases": 3}, "why": "x" * 501}, "why_too_long"),
        ({"scores": {"overall": 3, "cases": 3}, "why": "\ud800"}, "bad_characters"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(fields: dict[str, Any], code: str) -> None:
    assert room().refused(PEOPLE[0], type="answer_pulse", **fields) == code


def test_who_answers_and_when() -> None:
    workshop = room()
    scores = {"overall": 3, "cases": 3}
    assert workshop.refused(GUEST, type="answer_pulse", scores=scores) == "guests_phase"
    assert workshop.refused(participant("nobody"), type="answer_pulse", scores=scores) == (
        "not_joined"
    )
    assert workshop.refused(FACILITATOR, type="answer_pulse", scores=scores) == "not_an_actor"
    assert workshop.refused(Actor(Role.PROJECTOR), type="close_pulse") == "read_only"
    assert workshop.refused(PEOPLE[0], type="close_pulse") == "forbidden"
    assert workshop.refused(FACILITATOR, type="close_pulse") == "no_answers"
    workshop.ok(LEA, type="answer_pulse", scores=scores)  # leaders answer where they are actors
    workshop.at("talk")
    assert workshop.refused(PEOPLE[0], type="answer_pulse", scores=scores) == "not_pulse"


def test_a_pulse_phase_without_the_programmes_pulse_is_refused() -> None:
    bare = AGENDA.model_copy(update={"pulse": None})
    workshop = Workshop(bare)
    workshop.join(PEOPLE[0])
    workshop.at("pulse")
    scores = {"overall": 3, "cases": 3}
    assert workshop.refused(PEOPLE[0], type="answer_pulse", scores=scores) == "no_pulse"


def test_the_recommend_score_counts_promoters_passives_and_detractors() -> None:
    score = recommend_result([10, 9, 8, 7, 6, 0, 3])
    assert (score.promoters, score.passives, score.detractors, score.n) == (2, 2, 3, 7)
    assert score.nps == round(100 * (2 - 3) / 7) == -14


def test_the_programme_shows_the_change_from_the_baseline_overall_and_paired() -> None:
    baseline = {
        "a": answer(2, 3, 6),
        "b": answer(3, 3, 7),
        "c": answer(2, 2, 9),
        "d": answer(4, 4, 10),  # answers only the baseline
    }
    end = {
        "a": answer(4, 3, 9),
        "b": answer(4, 4, 9),
        "c": answer(3, 2, 9),
        "e": answer(5, 5, 10),  # new at the end
    }
    result = programme_result(PULSE, {"baseline": baseline, "end": end}, {"baseline", "end"})
    assert [m.answered for m in result.measurements] == [4, 4]
    [comparison] = result.comparisons
    assert (comparison.measurement, comparison.baseline) == ("end", "baseline")
    overall = comparison.items[0]
    assert overall.overall == pytest.approx(fmean([4, 4, 3, 5]) - fmean([2, 3, 2, 4]))
    assert overall.paired_n == 3 and overall.paired == pytest.approx(fmean([2, 1, 1]))
    assert comparison.recommend is not None and comparison.recommend.paired == pytest.approx(5 / 3)


def test_no_change_is_shown_below_the_minimum_or_before_both_are_over() -> None:
    baseline = {name: answer(2, 2) for name in "abc"}
    end = {"a": answer(4, 4), "b": answer(4, 4), "x": answer(1, 1), "y": answer(1, 1)}
    result = programme_result(PULSE, {"baseline": baseline, "end": end}, {"baseline", "end"})
    change = result.comparisons[0].items[0]
    assert change.overall is not None  # both shown
    assert (change.paired_n, change.paired) == (2, None)  # only two answered both: < 3
    early = programme_result(PULSE, {"baseline": baseline, "end": end}, {"baseline"})
    assert early.comparisons[0].items[0].overall is None
    assert not early.measurements[1].shown and early.measurements[1].answered == 4


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10)), max_size=25))
def test_the_numbers_always_add_up(rows: list[tuple[int, int, int]]) -> None:
    answers = [answer(a, b, r) for a, b, r in rows]
    result = measurement_result(PULSE, "baseline", answers, closed=True)
    assert result.answered == len(rows)
    assert result.shown is (len(rows) >= PULSE.minimum_answers)
    for item in result.items:
        assert sum(item.distribution.values()) == item.n == len(rows)
        assert 1 <= item.mean <= 5 and item.spread >= 0
    if result.recommend is not None:
        score = result.recommend
        assert score.promoters + score.passives + score.detractors == score.n
        assert -100 <= score.nps <= 100
    assert (not result.shown) <= (result.items == () and result.why == ())
