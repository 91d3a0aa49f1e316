"""The schedule: planned clock times from the workshop's start, and how far the day runs late."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from facilitator.agenda import Agenda
from facilitator.core.actors import FACILITATOR
from facilitator.core.commands import End, Extend, Next, Pause, Start
from facilitator.core.workshop import Command, WorkshopState, decide, fold
from facilitator.web.views.schedule import schedule
from tests.core.decisions import accepted

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09.00 in Copenhagen


def run(agenda: Agenda, *steps: tuple[datetime, Command]) -> WorkshopState:
    state = WorkshopState.initial([p.minutes for p in agenda.phases])
    for at, command in steps:
        state = fold(state, accepted(decide(state, agenda, command, FACILITATOR, at, "c")))
    return state


def test_planned_clock_times_count_from_the_start(agenda: Agenda) -> None:
    state = run(agenda)
    shown = schedule(
        agenda, state.machine, starts_at=START, now=START - timedelta(hours=1), language="da"
    )
    first, second = shown["phases"][:2]
    minutes = agenda.phases[0].minutes
    assert (first["start"], first["end"]) == ("09.00", f"09.{minutes:02d}")
    assert second["start"] == first["end"]
    assert shown["start"] == "09.00" and shown["state"] == "on_time"
    assert shown["label"] == "Følger tidsplanen" and shown["current"] is None
    assert shown["total_minutes"] == agenda.total_minutes and shown["limit_minutes"] == 480
    english = schedule(agenda, state.machine, starts_at=START, now=START, language="en")
    assert english["phases"][0]["start"] == "09:00" and english["label"] == "On schedule"


def test_a_late_start_and_an_extension_put_the_day_behind(agenda: Agenda) -> None:
    late = START + timedelta(minutes=7)
    state = run(agenda, (late, Start()))
    shown = schedule(agenda, state.machine, starts_at=START, now=late, language="da")
    assert (shown["delay_minutes"], shown["state"], shown["label"]) == (7, "behind", "7 min. bagud")
    assert shown["phases"][0]["actual_start"] == "09.07" and shown["current"] == 0
    extended = run(agenda, (late, Start()), (late, Extend(minutes=5)))
    shown = schedule(agenda, extended.machine, starts_at=START, now=late, language="en")
    assert (shown["delay_minutes"], shown["label"]) == (12, "12 min behind schedule")
    end = START + timedelta(minutes=agenda.phases[0].minutes + 12)
    assert shown["phases"][0]["expected_end"] == f"{end.hour + 1:02d}:{end.minute:02d}"
    assert shown["phases"][1]["expected_start"] == shown["phases"][0]["expected_end"]


def test_moving_on_early_puts_the_day_ahead_and_a_pause_behind(agenda: Agenda) -> None:
    early = START + timedelta(minutes=5)
    state = run(agenda, (START, Start()), (early, Next()))
    shown = schedule(agenda, state.machine, starts_at=START, now=early, language="da")
    assert shown["delay_minutes"] == -(agenda.phases[0].minutes - 5) and shown["state"] == "ahead"
    assert shown["phases"][0]["state"] == "done" and shown["phases"][0]["actual_end"] == "09.05"
    paused = run(agenda, (START, Start()), (START, Pause()))
    later = START + timedelta(minutes=30)
    shown = schedule(agenda, paused.machine, starts_at=START, now=later, language="da")
    assert shown["delay_minutes"] == 30  # the whole phase is still to come


def test_without_a_start_time_the_plan_counts_from_the_actual_start(agenda: Agenda) -> None:
    assert (
        schedule(agenda, run(agenda).machine, starts_at=None, now=START, language="da")["state"]
        == "unknown"
    )
    state = run(agenda, (START, Start()))
    shown = schedule(agenda, state.machine, starts_at=None, now=START, language="da")
    assert shown["start"] == "09.00" and shown["delay_minutes"] == 0


def test_an_ended_workshop_says_how_late_it_ended(agenda: Agenda) -> None:
    done = START + timedelta(minutes=agenda.total_minutes + 20)
    state = run(agenda, (START, Start()), (done, End()))
    shown = schedule(agenda, state.machine, starts_at=START, now=done, language="da")
    assert shown["delay_minutes"] == 20 and shown["expected_end"] == "15.55"


def test_a_phase_running_in_its_time_gives_one_schedule_whatever_the_clock_says(
    agenda: Agenda,
) -> None:
    state = run(agenda, (START, Start()))
    minutes = agenda.phases[0].minutes
    early, later = START + timedelta(seconds=5), START + timedelta(minutes=minutes - 1)
    first = schedule(agenda, state.machine, starts_at=START, now=early, language="da")
    again = schedule(agenda, state.machine, starts_at=START, now=later, language="da")
    assert again is first  # kept: a post on the console and the wall leaves it as it was
    unkept = replace(state.machine)  # an equal machine, not the same: made anew, at ``later``
    fresh = schedule(agenda, unkept, starts_at=START, now=later, language="da")
    assert fresh is not first and fresh == first  # what the clock says now, too
    over = START + timedelta(minutes=minutes + 7)
    late = schedule(agenda, state.machine, starts_at=START, now=over, language="da")
    assert late["delay_minutes"] == 7 and late["state"] == "behind"  # over time: it moves
