"""The console's plenum, poll and pulse as the facilitator sees them."""

from __future__ import annotations

from facilitator.agenda import PlenumPhase, PollPhase, PulsePhase
from facilitator.core.poll_messages import AnswerPoll
from facilitator.core.pulse_messages import AnswerPulse, ClosePulse
from facilitator.core.question_messages import (
    ApproveQuestion,
    HideQuestion,
    PostQuestion,
    ShowQuestion,
    UpvoteQuestion,
)
from facilitator.web.views.console_answers import plenum_view, poll_view, pulse_view
from tests.web.views.driven import PEOPLE, Day


def test_the_plenums_questions_come_by_upvotes_hidden_last_anonymous_to_everyone(
    day: Day,
) -> None:
    day.go("business-voices")  # moderated, anonymous questions allowed
    quiet = day.do(PostQuestion(text="Et stille spørgsmål", anonymous=True), "anna")
    loud = day.do(PostQuestion(text="Et populært spørgsmål"), "bo")
    gone = day.do(PostQuestion(text="Et skjult spørgsmål"), "cai")
    floor = day.do(PostQuestion(text="Fra salen"))
    for question in (quiet, loud):
        day.do(ApproveQuestion(question=question))
    for who in ("cai", "dorte"):
        day.do(UpvoteQuestion(question=loud), who)
    day.do(HideQuestion(question=gone))
    day.do(ShowQuestion(question=loud))
    phase = day.state.current_phase(day.agenda)
    assert isinstance(phase, PlenumPhase)
    view = plenum_view(day.state, phase, "da")
    rows = view["questions"]
    assert rows[0].id == loud and rows[-1].id == gone
    by_id = {r.id: r for r in rows}
    assert by_id[quiet].by is None  # anonymous: to the facilitator too
    assert by_id[loud].by == "Bo" and by_id[loud].votes == 2 and by_id[loud].on_wall
    assert by_id[floor].from_facilitator and by_id[floor].approved
    assert by_id[gone].hidden and not by_id[gone].approved
    assert view["moderated"] and view["waiting"] == 0


def test_a_poll_counts_its_answers_so_far(day2: Day) -> None:
    day2.go("entry-points-poll")
    day2.do(AnswerPoll(answer="one-door"), "anna")
    day2.do(AnswerPoll(answer="one-door"), "bo")
    day2.do(AnswerPoll(answer="as-today"), "cai")
    phase = day2.state.current_phase(day2.agenda)
    assert isinstance(phase, PollPhase)
    view = poll_view(day2.state, phase, "en")
    assert view["answered"] == 3 and view["eligible"] == len(PEOPLE) and not view["revealed"]
    assert [count for _, count in view["options"]] == [2, 0, 0, 1]
    assert view["options"][0][0] == "One front door for every business"


def test_a_pulse_shows_how_many_answered_and_no_results_below_its_minimum(day: Day) -> None:
    day.go("pulse-baseline")
    phase = day.state.current_phase(day.agenda)
    assert isinstance(phase, PulsePhase) and day.agenda.pulse is not None
    items = {item.key: 4 for item in day.agenda.pulse.items}
    for who in PEOPLE:
        day.do(AnswerPulse(scores=items, recommend=9), who)
    view = pulse_view(day.state, day.agenda, phase, "da")
    assert view is not None
    assert (view["answered"], view["closed"], view["shown"], view["items"]) == (4, False, False, [])
    day.do(ClosePulse())
    view = pulse_view(day.state, day.agenda, phase, "da")
    assert view is not None and view["closed"]
    assert day.agenda.pulse.minimum_answers == 5
    assert not view["shown"]  # four answers: too few to show (nor to the facilitator)
