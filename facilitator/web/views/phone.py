"""What the phone shows beyond the board and the catalogue: the plenum, the poll, the pulse,
the words of the phase (ideas or commitments), the home reflection's link and the end.

Like every fragment's context it is built for a role, never for a person (one rendering
serves every phone of the same role, group and language). What is one person's own (my
question waiting for approval, my poll answer, my pulse answer, my reactions, my upvotes,
my commitments in a private individual phase) travels in the ``mine`` message that
``personal`` builds, and the phone's script (static/phone.js) puts it in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.agenda import (
    Agenda,
    GroupWorkPhase,
    HomeReflectionPhase,
    IndividualPhase,
    Phase,
    PlenumPhase,
    PollPhase,
    PulsePhase,
    Role,
    Text,
    VotePhase,
)
from facilitator.core import board_rules as rules
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.board import Idea
from facilitator.core.machine import Status
from facilitator.core.poll_state import results as poll_results
from facilitator.core.pulse_results import measurement_result
from facilitator.core.questions_state import PlenumQuestion
from facilitator.core.workshop import WorkshopState
from facilitator.web.views.board import personal as board_personal

# The roles whose page is the phone's.
PHONE_ROLES = (Role.PARTICIPANT, Role.LEADER, Role.GUEST)


def _text(value: Text | None, language: str) -> str:
    return value.get(language) if value is not None else ""


def takes_part(phase: Phase, role: Role) -> bool:
    """Whether the role takes part in the phase (the agenda's ``actors``), a pause aside."""
    return rules.may_contribute(phase, Actor(role), paused=False) is None


def private_board(phase: Phase | None) -> bool:
    """An individual phase whose commitments each person sees only of their own."""
    return isinstance(phase, IndividualPhase) and phase.board is not None and not phase.shows_others


def phone_context(
    state: WorkshopState,
    agenda: Agenda,
    role: Role,
    language: str,
    *,
    titles: Mapping[str, Mapping[str, str]] | None = None,
    workshop_key: str = "",
) -> dict[str, Any]:
    """The phone's parts of a fragment's context, for one role in one language."""
    phase = state.current_phase(agenda)
    machine = state.machine
    kind = phase.kind.value if phase is not None else None
    noun = "commitment" if isinstance(phase, IndividualPhase) else "idea"
    anonymous = None
    if phase is not None and rules.writable_board(phase) is not None and not private_board(phase):
        forced = isinstance(phase, GroupWorkPhase) and phase.anonymous
        anonymous = "forced" if forced else "optional"
    context: dict[str, Any] = {
        # Changes each time the phase does (and only then): what the page announces.
        "phase_marker": _marker(state),
        "phone_kind": kind,
        "noun": noun,
        "anonymous_choice": anonymous,
        "private_board": private_board(phase),
        "editable": phase is not None and rules.writable_board(phase) is not None,
        "reflection": _reflection(state, agenda),
        "plenum": _plenum(state, phase, role, language) if isinstance(phase, PlenumPhase) else None,
        "poll": _poll(state, phase, role, language) if isinstance(phase, PollPhase) else None,
        "pulse": _pulse(state, agenda, phase, role, language)
        if isinstance(phase, PulsePhase)
        else None,
        "vote_rules": _vote_rules(phase),
        "next_workshop": _next_title(titles or {}, workshop_key, language)
        if machine.status is Status.ENDED
        else "",
    }
    return context


def _marker(state: WorkshopState) -> str:
    machine = state.machine
    if machine.status in (Status.LOBBY, Status.ENDED):
        return machine.status.value
    return f"phase-{machine.phase}"


def _reflection(state: WorkshopState, agenda: Agenda) -> dict[str, Any] | None:
    """The home reflection's link, from the moment its phase is reached (and after the end):
    the reflection page itself says when it can no longer change."""
    index = next(
        (i for i, p in enumerate(agenda.phases) if isinstance(p, HomeReflectionPhase)), None
    )
    machine = state.machine
    if index is None or machine.phase is None or machine.status is Status.LOBBY:
        return None
    visited = machine.clocks[index].used > 0 if index < len(machine.clocks) else False
    if machine.phase < index and not visited:
        return None
    return {"now": machine.phase == index and machine.status is not Status.ENDED}


def _vote_rules(phase: Phase | None) -> dict[str, int] | None:
    if not isinstance(phase, VotePhase):
        return None
    return {"budget": phase.votes_per_person, "max_per_idea": phase.max_per_idea}


def _next_title(titles: Mapping[str, Mapping[str, str]], key: str, language: str) -> str:
    """The title of the programme's workshop after this one (titles are in the programme's
    order), or "" when this is the last or the order is unknown."""
    keys = list(titles)
    if key not in keys or keys.index(key) + 1 >= len(keys):
        return ""
    following = titles[keys[keys.index(key) + 1]]
    return following.get(language) or following.get("da") or ""


def _plenum(state: WorkshopState, phase: PlenumPhase, role: Role, language: str) -> dict[str, Any]:
    members = state.board.members
    named = [members[m].name for m in state.board.speakers.get(phase.key, ()) if m in members]
    sight = visibility.of(Actor(role))  # the role's view: approved and not hidden
    questions = [
        {
            "id": q.id,
            "text": q.text,
            "by": members[q.by].name if not q.anonymous and q.by in members else None,
            "from_facilitator": q.by == Role.FACILITATOR.value,
            "votes": q.votes,
            "answered": q.answered,
            "on_wall": state.questions.wall == q.id,
        }
        for q in sight.questions(state.questions)
        if q.phase == phase.key
    ]
    return {
        "speaker": _text(phase.speaker, language),
        "speakers": named,
        "questions_open": phase.questions,
        "may_ask": phase.questions and takes_part(phase, role),
        "anonymous": phase.anonymous_questions,
        "moderated": phase.moderated_questions,
        "questions": questions,
    }


def _poll(state: WorkshopState, phase: PollPhase, role: Role, language: str) -> dict[str, Any]:
    given = state.polls.of(phase.key)
    revealed = phase.key in state.polls.revealed
    options = [{"key": o.key, "label": o.label.get(language)} for o in phase.options]
    scale = None
    if phase.scale is not None:
        scale = {
            "min": phase.scale.min,
            "max": phase.scale.max,
            "low": phase.scale.low.get(language),
            "high": phase.scale.high.get(language),
            "points": list(range(phase.scale.min, phase.scale.max + 1)),
        }
    result: dict[str, Any] | None = None
    if revealed:
        found = poll_results(phase, given)
        total = found.answered or 1
        result = {
            "answered": found.answered,
            "counts": [
                {"label": o["label"], "n": n, "percent": round(100 * n / total)}
                for o in options
                for n in [(found.counts or {}).get(o["key"], 0)]
            ]
            if found.counts is not None
            else None,
            "distribution": [
                {"value": value, "n": n, "percent": round(100 * n / total)}
                for value, n in (found.distribution or {}).items()
            ]
            if found.distribution is not None
            else None,
            "mean": found.mean,
            "texts": list(found.texts or ()),
        }
    return {
        "key": phase.key,
        "question": phase.question.get(language),
        "answer": phase.answer,
        "options": options,
        "max_choices": phase.max_choices or len(options),
        "scale": scale,
        "revealed": revealed,
        "answered": len(given),
        "may_answer": takes_part(phase, role) and not revealed,
        "result": result,
    }


def _pulse(
    state: WorkshopState, agenda: Agenda, phase: PulsePhase, role: Role, language: str
) -> dict[str, Any] | None:
    pulse = agenda.pulse
    if pulse is None:
        return None
    key = phase.measurement
    given = state.pulse.of(key)
    closed = key in state.pulse.closed
    found = measurement_result(pulse, key, given.values(), closed=closed)
    scale = [label.get(language) for label in pulse.scale]
    texts = {item.key: item.text.get(language) for item in pulse.items}
    references = {
        item.key: item.reference.label.get(language) for item in pulse.items if item.reference
    }
    recommend = None
    if pulse.recommend is not None:
        recommend = {
            "question": pulse.recommend.question.get(language),
            "low": pulse.recommend.low.get(language),
            "high": pulse.recommend.high.get(language),
        }
    measurement = pulse.measurement(key)
    return {
        "measurement": key,
        "title": measurement.title.get(language) if measurement else "",
        "intro": _text(pulse.intro, language),
        "scale": scale,
        "questions": [{"key": item.key, "text": texts[item.key]} for item in pulse.items],
        "recommend": recommend,
        "why": pulse.why.get(language),
        "closed": closed,
        "answered": len(given),
        "minimum": pulse.minimum_answers,
        "may_answer": takes_part(phase, role) and not closed,
        "shown": found.shown,
        "results": [
            {
                "text": texts.get(item.item, item.item),
                "n": item.n,
                "mean": item.mean,
                "spread": item.spread,
                "reference": item.reference,
                "reference_label": references.get(item.item, ""),
                "distribution": [
                    {"label": scale[point - 1], "n": n} for point, n in item.distribution.items()
                ],
            }
            for item in found.items
        ],
        "recommend_result": found.recommend.model_dump() if found.recommend else None,
        "comments": list(found.why),
    }


# --- what is one person's own ------------------------------------------------------------


@dataclass(frozen=True)
class Owned:
    """Each person's own things in one state, found in one pass over it: after a change,
    every person's ``mine`` then costs what is theirs, not the whole board again."""

    ideas: Mapping[str, list[Idea]]  # author → the ideas they wrote, in the board's order
    asked: Mapping[str, list[PlenumQuestion]]  # asker → their questions, in the order asked
    upvoted: Mapping[str, list[PlenumQuestion]]  # upvoter → the questions they upvoted
    reactions: Mapping[str, dict[str, list[str]]]  # person → entry → their reactions

    @classmethod
    def of(cls, state: WorkshopState) -> Owned:
        ideas: dict[str, list[Idea]] = {}
        for idea in state.board.ideas.values():
            ideas.setdefault(idea.author, []).append(idea)
        asked: dict[str, list[PlenumQuestion]] = {}
        upvoted: dict[str, list[PlenumQuestion]] = {}
        for question in state.questions.questions.values():
            asked.setdefault(question.by, []).append(question)
            for person in question.upvoters:
                upvoted.setdefault(person, []).append(question)
        reactions: dict[str, dict[str, list[str]]] = {}
        for entry, given in state.catalogue.reactions.items():
            for reaction, people in given.items():
                for person in people:
                    reactions.setdefault(person, {}).setdefault(entry, []).append(reaction)
        return cls(ideas, asked, upvoted, reactions)


def personal_key(
    state: WorkshopState, agenda: Agenda, viewer: Actor, owned: Owned
) -> tuple[object, ...]:
    """All that ``personal`` reads for this viewer, and nothing else: while it stays equal,
    so does their ``mine``, and a change that touched other people's things leaves it be.
    Cheap to compare: unchanged things keep their identity from one state to the next."""
    phase = state.current_phase(agenda)
    pid = viewer.participant_id
    key: tuple[object, ...] = (viewer, phase, tuple(owned.ideas.get(pid, ()) if pid else ()))
    if pid is None:
        return key
    return (
        *key,
        state.board.votes_of(phase.key, pid) if isinstance(phase, VotePhase) else None,
        owned.reactions.get(pid),
        tuple(owned.asked.get(pid, ())),
        tuple(owned.upvoted.get(pid, ())),
        state.polls.of(phase.key).get(pid) if isinstance(phase, PollPhase) else None,
        state.pulse.of(phase.measurement).get(pid) if isinstance(phase, PulsePhase) else None,
    )


def personal(
    state: WorkshopState, agenda: Agenda, viewer: Actor, owned: Owned | None = None
) -> dict[str, Any]:
    """The ``mine`` message: the board's (my votes and my ideas, ``board.personal``) and what
    else is mine in the current phase. Sent to this person's sockets only. ``owned``: the
    state's ``Owned``, where the caller shares one between people."""
    owned = owned or Owned.of(state)
    pid = viewer.participant_id
    own = owned.ideas.get(pid, []) if pid is not None else []
    result = board_personal(state, agenda, viewer, own)
    if pid is None:
        return result
    phase = state.current_phase(agenda)
    result["reactions"] = {
        entry: sorted(given) for entry, given in owned.reactions.get(pid, {}).items()
    }
    sight = visibility.of(viewer)
    plenum = phase.key if isinstance(phase, PlenumPhase) else None
    asked = [q for q in owned.asked.get(pid, []) if q.phase == plenum]
    result["questions"] = [q.id for q in asked]
    result["waiting"] = [
        {"id": q.id, "text": q.text} for q in asked if not q.approved and not q.hidden
    ]
    result["upvoted"] = [
        q.id for q in owned.upvoted.get(pid, []) if q.phase == plenum and sight.question(q)
    ]
    if isinstance(phase, PollPhase):
        mine = state.polls.of(phase.key).get(pid)
        result["poll"] = list(mine) if isinstance(mine, tuple) else mine
    if isinstance(phase, PulsePhase):
        answer = state.pulse.of(phase.measurement).get(pid)
        result["pulse"] = (
            None
            if answer is None
            else {"scores": dict(answer.scores), "recommend": answer.recommend, "why": answer.why}
        )
    if private_board(phase):
        assert isinstance(phase, IndividualPhase)
        result["own"] = [
            {"id": idea.id, "text": idea.text, "anonymous": idea.anonymous}
            for idea in own
            if idea.board == phase.board and idea.merged_into is None and not idea.hidden
        ]
    return result
