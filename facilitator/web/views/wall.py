"""The wall: what the projector shows, read from the back of the room (1920×1080, 1280×720).

Pure: a workshop's state and agenda in, one dict (``wall``) out, built only from what
``visibility.WALL`` lets the whole room see. What the server can decide from counts alone
(how many columns, how dense the type) it decides here, as a density level the template turns
into classes; ``static/wall.js`` only steps the type down further, or pages, when long texts
still do not fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from facilitator import i18n
from facilitator.agenda import (
    Agenda,
    BreakPhase,
    LeaderPanelPhase,
    Phase,
    PlenumPhase,
    PollPhase,
    PulsePhase,
    Role,
)
from facilitator.core.actors import Actor
from facilitator.core.catalogue_state import Entry
from facilitator.core.machine import Status
from facilitator.core.poll_state import results as poll_results
from facilitator.core.pulse_results import measurement_result
from facilitator.core.visibility import WALL
from facilitator.core.workshop import WorkshopState
from facilitator.exports import period_label
from facilitator.web.views.board import IdeaRow, board_context
from facilitator.web.views.catalogue import VERDICT_LABELS
from facilitator.web.views.wall_board import board_columns, earlier_rows, is_private, revealed_vote
from facilitator.web.views.wall_columns import columns_html

WALL_VIEWER = Actor(Role.PROJECTOR)
_LOCALES = {"da": "da_DK", "en": "en_GB"}  # as i18n formats dates and times
TOP = 5  # ideas shown with a bar after a reveal; the rest are listed condensed
TOP_QUESTIONS = 5


def wall_context(
    state: WorkshopState,
    agenda: Agenda,
    language: str,
    now: datetime,
    departments: Mapping[str, str] | None = None,
    board: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the wall shows, under one key. ``departments``: key → display name (the
    owner of a leader's decision is a department); ``board``: the wall's ``board_context``,
    if the caller has it already."""
    phase = state.current_phase(agenda)
    if board is None:
        board = board_context(state, agenda, WALL_VIEWER, None)
    vote = board.get("vote")
    counts_shown = bool(vote and vote.get("revealed"))
    wall: dict[str, Any] = {
        "status": state.machine.status.value,
        "kind": phase.kind.value if phase else None,
        "head": _head(state, agenda, phase, language, now),
        "joined": sum(1 for m in state.board.members.values() if not m.anonymised),
        "board": None,
        "result": None,
        "private": None,
        "plenum": _plenum(state, phase) if isinstance(phase, PlenumPhase) else None,
        "poll": _poll(state, phase, language) if isinstance(phase, PollPhase) else None,
        "pulse": _pulse(state, agenda, phase, language) if isinstance(phase, PulsePhase) else None,
        "panel": (
            _panel(state, language, departments or {})
            if isinstance(phase, LeaderPanelPhase)
            else None
        ),
    }
    key = board.get("board_key")
    if key and state.machine.status is Status.ENDED:
        # After the end: the last board, all of it, ranked if a vote on it was revealed.
        rows = [*board["ideas"], *board.get("earlier_ideas", ())]
        vote_phase = revealed_vote(state, agenda, key)
        if vote_phase is not None:
            tally = WALL.tally(state.board, vote_phase.key) or {}
            wall["result"] = _result([replace(r, votes=tally.get(r.id, 0)) for r in rows], language)
        elif rows:
            wall["board"] = board_columns(state, agenda, None, rows, key)
    elif key:
        rows = list(board["ideas"])
        if is_private(phase):
            wall["private"] = {"count": len(rows)}  # each sees only their own: a count here
        elif counts_shown:
            wall["result"] = _result(rows, language)
        else:
            earlier = earlier_rows(state, agenda, key, board.get("earlier_ideas", ()))
            wall["board"] = board_columns(state, agenda, phase, rows, key, earlier)
    return {"wall": wall, "wall_columns": columns_html}


# --- the header -----------------------------------------------------------------------------


def _head(
    state: WorkshopState, agenda: Agenda, phase: Phase | None, language: str, now: datetime
) -> dict[str, Any]:
    machine = state.machine
    deadline = machine.deadline()
    head: dict[str, Any] = {
        "number": None if machine.phase is None else machine.phase + 1,
        "total": len(agenda.phases),
        "title": phase.title.get(language) if phase else agenda.title.get(language),
        "workshop": agenda.title.get(language),
        "prompt": phase.prompt.get(language) if phase and phase.prompt else "",
        "deadline": deadline.isoformat() if deadline else "",
        "time_left": round(machine.time_left(now)),
        "overrun": round(machine.overrun(now)),
        "back_at": None,
        "speakers": None,
    }
    if isinstance(phase, BreakPhase) and deadline is not None:
        head["back_at"] = i18n.format_time(deadline, language)
    if isinstance(phase, PlenumPhase):
        head["speakers"] = _speakers(state, phase, language)
    return head


def _speakers(state: WorkshopState, phase: PlenumPhase, language: str) -> dict[str, Any] | None:
    """The agenda's words for the speaker, and the members the facilitator named."""
    members = state.board.members
    named = [
        members[pid].name
        for pid in state.board.speakers.get(phase.key, ())
        if pid in members and not members[pid].anonymised
    ]
    text = phase.speaker.get(language) if phase.speaker else ""
    if not text and not named:
        return None
    return {
        "text": text,
        "names": format_list(named, locale=_locale(language)) if named else "",
        "count": max(1, len(named)),
    }


# --- the ranked result ----------------------------------------------------------------------


def _result(rows: Sequence[IdeaRow], language: str) -> dict[str, Any]:
    """The ideas by votes, most first (ties in the order posted); the first ``TOP`` with a bar,
    the rest listed condensed. Ideas with as many votes share a place."""
    ranked = sorted(rows, key=lambda r: -(r.votes or 0))
    most = max((r.votes or 0 for r in ranked), default=0)
    places: list[dict[str, Any]] = []
    place = 0
    for n, row in enumerate(ranked):
        votes = row.votes or 0
        first = n == 0 or votes != (ranked[n - 1].votes or 0)
        if first:
            place = n + 1
        places.append(
            {
                "id": row.id,
                "text": row.text,
                "theme": row.theme_name,
                "votes": votes,
                "place": place,
                "first_of_place": first,  # the condensed list writes a shared place once
                "bar": round(100 * votes / most, 1) if most else 0,
            }
        )
    top = len(places) if len(places) <= TOP + 3 else TOP
    rest = [p for p in places[top:] if p["votes"]]  # ideas without votes are only counted
    count = 1 if len(rest) <= 24 else 2 if len(rest) <= 60 else 3  # beside the first few
    per = math.ceil(len(rest) / count) if rest else 0
    return {
        "top": places[:top],
        "rest": [rest[n * per : (n + 1) * per] for n in range(count)] if rest else [],
        "unvoted": len(places) - top - len(rest),
        "total": sum(p["votes"] for p in places),
        "count": len(places),
    }


# --- plenum, poll, pulse ----------------------------------------------------------------------


def _plenum(state: WorkshopState, phase: PlenumPhase) -> dict[str, Any]:
    """The question put on the wall, and the others by upvotes: those the whole room may see
    (approved, not hidden), never who asked."""
    seen = [q for q in WALL.questions(state.questions) if q.phase == phase.key]
    wall_key = state.questions.wall
    on_wall = next((q for q in seen if q.id == wall_key), None)
    waiting = [q for q in seen if q is not on_wall and not q.answered]
    return {
        "asks": phase.questions,
        "on_wall": None if on_wall is None else {"text": on_wall.text, "votes": on_wall.votes},
        "top": [{"id": q.id, "text": q.text, "votes": q.votes} for q in waiting[:TOP_QUESTIONS]],
        "more": max(0, len(waiting) - TOP_QUESTIONS),
        "total": len(seen),
        "answered": sum(1 for q in seen if q.answered),
    }


def _poll(state: WorkshopState, phase: PollPhase, language: str) -> dict[str, Any]:
    given = state.polls.of(phase.key)
    revealed = WALL.poll_results(state.polls, phase.key)
    view: dict[str, Any] = {
        "question": phase.question.get(language),
        "answer": phase.answer,
        "answered": len(given),
        "revealed": revealed,
        "options": [option.label.get(language) for option in phase.options],
        "rows": [],
        "texts": [],
        "mean": None,
    }
    if phase.scale is not None:
        view["low"] = phase.scale.low.get(language)
        view["high"] = phase.scale.high.get(language)
    if not revealed:
        return view
    found = poll_results(phase, given)
    if found.counts is not None:
        labels = {option.key: option.label.get(language) for option in phase.options}
        view["rows"] = _bars(
            [(labels.get(key, key), count) for key, count in found.counts.items()],
            found.answered,
            language,
        )
    elif found.distribution is not None and phase.scale is not None:
        scale = phase.scale
        ends = {scale.min: scale.low.get(language), scale.max: scale.high.get(language)}
        view["rows"] = _bars(
            [
                (f"{value} – {ends[value]}" if value in ends else str(value), count)
                for value, count in found.distribution.items()
            ],
            found.answered,
            language,
        )
        if found.mean is not None:
            view["mean"] = decimal(found.mean, language)
    elif found.texts is not None:
        view["texts"] = list(found.texts)
    return view


def _bars(counts: Sequence[tuple[str, int]], answered: int, language: str) -> list[dict[str, Any]]:
    most = max((count for _, count in counts), default=0)
    return [
        {
            "label": label,
            "count": count,
            "bar": round(100 * count / most, 1) if most else 0,
            "share": format_percent(count / answered, locale=_locale(language)) if answered else "",
        }
        for label, count in counts
    ]


def _pulse(
    state: WorkshopState, agenda: Agenda, phase: PulsePhase, language: str
) -> dict[str, Any] | None:
    pulse = agenda.pulse
    if pulse is None:
        return None
    key = phase.measurement
    given = state.pulse.of(key)
    closed = key in state.pulse.closed
    result = measurement_result(pulse, key, given.values(), closed=closed)
    measurement = pulse.measurement(key)
    view: dict[str, Any] = {
        "title": measurement.title.get(language) if measurement else "",
        "answered": result.answered,
        "closed": closed,
        "shown": result.shown,
        "minimum": pulse.minimum_answers,
        "scale": [label.get(language) for label in pulse.scale],
        "results": [],
        "recommend": None,
    }
    if not result.shown:
        return view
    for item in result.items:
        defined = pulse.item(item.item)
        most = max(item.distribution.values(), default=0)
        view["results"].append(
            {
                "text": defined.text.get(language) if defined else item.item,
                "n": item.n,
                "mean": decimal(item.mean, language),
                "spread": decimal(item.spread, language),
                "bars": [
                    {
                        "value": value,
                        "count": count,
                        "height": round(100 * count / most, 1) if most else 0,
                    }
                    for value, count in sorted(item.distribution.items())
                ],
                "reference": (
                    {
                        "value": decimal(defined.reference.value, language),
                        "label": defined.reference.label.get(language),
                    }
                    if defined and defined.reference
                    else None
                ),
            }
        )
    if result.recommend is not None and pulse.recommend is not None:
        recommend = result.recommend
        view["recommend"] = {
            "question": pulse.recommend.question.get(language),
            "n": recommend.n,
            "nps": signed(recommend.nps),
            "rows": _bars(
                [
                    (i18n.gettext(language, "Promoters (9–10)"), recommend.promoters),
                    (i18n.gettext(language, "Passives (7–8)"), recommend.passives),
                    (i18n.gettext(language, "Detractors (0–6)"), recommend.detractors),
                ],
                recommend.n,
                language,
            ),
        }
    return view


# --- the leader panel -------------------------------------------------------------------------


def _panel(state: WorkshopState, language: str, departments: Mapping[str, str]) -> dict[str, Any]:
    """The latest decision revealed, the earlier ones (latest first), and the timeline of what
    starts now, with the exports' month and quarter names."""
    catalogue = state.catalogue
    asked: dict[str | None, int] = {}
    for question in catalogue.questions:
        asked[question.entry] = asked.get(question.entry, 0) + 1

    def decision(entry: Entry) -> dict[str, Any]:
        reactions = catalogue.reaction_counts(entry.id)
        return {
            "id": entry.id,
            "text": entry.text,
            "verdict": entry.verdict.value if entry.verdict else None,
            "verdict_label": (
                i18n.gettext(language, VERDICT_LABELS[entry.verdict]) if entry.verdict else ""
            ),
            "period": _period(entry.timeline, language),
            "owner": departments.get(entry.owner, entry.owner) if entry.owner else "",
            "rationale": entry.rationale,
            "support": reactions.get("support", 0),
            "question_reactions": reactions.get("question", 0),
            "questions": asked.get(entry.id, 0),
        }

    shown = [
        catalogue.entries[key]
        for key in catalogue.revealed_order
        if key in catalogue.entries and WALL.decision(catalogue.entries[key])
    ]
    decisions = [decision(entry) for entry in reversed(shown)]
    timeline = [
        {"period": period, "label": _period(period, language), "entries": [e.text for e in seen]}
        for period, entries in catalogue.timeline().items()
        if (seen := [e for e in entries if WALL.decision(e)])
    ]
    return {
        "latest": decisions[0] if decisions else None,
        "earlier": decisions[1:],
        "timeline": timeline,
        "general_questions": asked.get(None, 0),
        "count": len(decisions),
    }


def _period(period: str | None, language: str) -> str:
    if not period:
        return ""
    try:
        return period_label(period, language)
    except ValueError:
        return period  # not a month or a quarter: shown as the leaders wrote it


# --- numbers ----------------------------------------------------------------------------------


def decimal(value: float, language: str) -> str:
    """One decimal, the language's way: ``3,8`` in Danish, ``3.8`` in English."""
    return format_decimal(value, format="0.0", locale=_locale(language))


def signed(value: int) -> str:
    """An NPS as it is written: ``+20``, ``0``, ``−60`` (a minus sign, not a hyphen)."""
    return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"


def _locale(language: str) -> str:
    return _LOCALES.get(language, _LOCALES[i18n.DEFAULT_LANGUAGE])
