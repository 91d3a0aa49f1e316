"""The programme's pulse on one screen: what it shows, column by column."""

from __future__ import annotations

from facilitator.core.pulse_results import programme_result
from facilitator.core.pulse_state import PulseAnswer
from facilitator.web.views.pulse import programme_pulse
from tests.core.plenary import PULSE


def answer(overall: int, cases: int, recommend: int | None = None) -> PulseAnswer:
    return PulseAnswer({"overall": overall, "cases": cases}, recommend, "")


def test_each_measurement_is_followed_by_its_change_since_the_baseline_in_the_languages_way() -> (
    None
):
    baseline = {name: answer(2, 3, 6) for name in "abcd"}
    end = {name: answer(4, 3, 9) for name in "abce"}
    result = programme_result(PULSE, {"baseline": baseline, "end": end}, {"baseline", "end"})
    view = programme_pulse(PULSE, result, "da")
    assert [c["kind"] for c in view["columns"]] == ["measurement", "measurement", "change"]
    assert view["columns"][2]["since"] == "Start"
    overall, cases = view["rows"]
    assert [overall["cells"][0]["mean"], overall["cells"][1]["mean"]] == ["2,0", "4,0"]
    assert overall["cells"][2] == {"overall": "+2,0", "paired": "+2,0", "paired_n": 3}
    assert cases["cells"][2]["overall"] == "0,0"
    assert overall["reference"] == {"value": "3,4", "label": "Ekstern"}
    assert view["recommend"]["cells"][2]["overall"] == "+200"  # NPS −100 → +100
    assert programme_pulse(PULSE, result, "en")["rows"][0]["cells"][2]["overall"] == "+2.0"


def test_a_measurement_nobody_answered_is_left_out_and_one_below_the_minimum_says_not_shown() -> (
    None
):
    few = {name: answer(2, 2) for name in "ab"}  # fewer than the minimum of three
    result = programme_result(PULSE, {"baseline": few}, {"baseline"})
    view = programme_pulse(PULSE, result, "da")
    assert [(c["kind"], c["n"]) for c in view["columns"]] == [("measurement", 2)]
    assert [row["cells"] for row in view["rows"]] == [[None], [None]]
    assert view["recommend"]["cells"] == [None]
