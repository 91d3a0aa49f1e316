"""What each role is sent: redaction of events and snapshots, directly on the pure views."""

from __future__ import annotations

from datetime import UTC, datetime

from facilitator.agenda import Agenda, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import HideIdea, Join, PostIdea, UnhideIdea
from facilitator.core.commands import JumpTo, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, Event, WorkshopState, decide, fold
from facilitator.web.views.protocol import redact, snapshot

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
ANNA = Actor(Role.PARTICIPANT, "anna")
BO = Actor(Role.PARTICIPANT, "bo")


def play(
    agenda: Agenda, steps: list[tuple[Command, Actor, str]]
) -> tuple[WorkshopState, list[Event]]:
    state = WorkshopState.initial([p.minutes for p in agenda.phases])
    journal: list[Event] = []
    for command, actor, command_id in steps:
        events = decide(state, agenda, command, actor, NOW, command_id)
        assert not isinstance(events, Refusal), events
        state = fold(state, events)
        journal += events
    return state, journal


def group_work(agenda: Agenda) -> int:
    return next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")


def test_an_idea_hidden_later_never_reaches_a_participant_catching_up(agenda: Agenda) -> None:
    state, journal = play(
        agenda,
        [
            (Join(name="Anna", department="miljo"), ANNA, "anna"),
            (Join(name="Bo", department="social"), BO, "bo"),
            (Start(), FACILITATOR, "s"),
            (JumpTo(phase=group_work(agenda)), FACILITATOR, "j"),
            (PostIdea(text="Noget upassende"), ANNA, "idea-1"),
            (HideIdea(idea="idea-1"), FACILITATOR, "h"),
        ],
    )
    sent = [redact(event, BO, state) for event in journal]
    assert "Noget upassende" not in str(sent)
    last = sent[-1]
    assert last is not None
    assert last == {"type": "idea_hidden", "idea": "idea-1", "at": last["at"]}
    assert "Noget upassende" in str(redact(journal[-2], FACILITATOR, state))
    assert all(i["id"] != "idea-1" for i in snapshot(state, agenda, BO, NOW, 9)["ideas"])


def test_unhiding_sends_the_idea_back_with_its_content(agenda: Agenda) -> None:
    state, journal = play(
        agenda,
        [
            (Join(name="Anna", department="miljo"), ANNA, "anna"),
            (Start(), FACILITATOR, "s"),
            (JumpTo(phase=group_work(agenda)), FACILITATOR, "j"),
            (PostIdea(text="Godt forslag"), ANNA, "idea-1"),
            (HideIdea(idea="idea-1"), FACILITATOR, "h"),
            (UnhideIdea(idea="idea-1"), FACILITATOR, "u"),
        ],
    )
    unhidden = redact(journal[-1], BO, state)
    assert unhidden is not None and unhidden["view"]["text"] == "Godt forslag"


def test_an_anonymous_author_is_known_only_to_the_author_and_the_facilitator(
    agenda: Agenda,
) -> None:
    state, journal = play(
        agenda,
        [
            (Join(name="Anna", department="miljo"), ANNA, "anna"),
            (Start(), FACILITATOR, "s"),
            (JumpTo(phase=group_work(agenda)), FACILITATOR, "j"),
            (PostIdea(text="Stille kritik", anonymous=True), ANNA, "idea-1"),
        ],
    )
    posted = journal[-1]
    assert redact(posted, BO, state)["author"] is None  # type: ignore[index]
    assert redact(posted, ANNA, state)["author"] == "anna"  # type: ignore[index]
    assert redact(posted, FACILITATOR, state)["author"] == "anna"  # type: ignore[index]
    bo_view = snapshot(state, agenda, BO, NOW, 5)
    assert bo_view["ideas"][0]["author"] is None


def test_an_event_is_encoded_once_per_audience_and_per_person_only_where_personal(
    agenda: Agenda,
) -> None:
    from facilitator.core.board_messages import IdeaPosted, VoteCast
    from facilitator.web.views.protocol import audience

    shared = IdeaPosted(
        at=NOW, idea="i", board="b", group=None, author="anna", text="t", anonymous=False, phase="p"
    )
    secret = shared.model_copy(update={"anonymous": True})
    vote = VoteCast(at=NOW, phase="p", idea="i", voter="anna")
    assert audience(shared, ANNA) == audience(shared, BO) == ("participant",)
    assert audience(secret, ANNA) != audience(secret, BO)
    assert audience(vote, ANNA) != audience(vote, BO)
    assert audience(vote, FACILITATOR) == ("facilitator",)
