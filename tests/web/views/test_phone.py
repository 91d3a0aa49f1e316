"""The phone's context (web/views/phone.py): built for a role, with one person's own things
only in their ``mine`` message; and the catalogue said in words (web/views/catalogue.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from facilitator.agenda import Agenda, IndividualPhase, PollPhase, Programme, Role, Text
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import ParticipantJoined
from facilitator.core.errors import Refusal
from facilitator.core.workshop import COMMANDS, WorkshopState, decide, fold
from facilitator.web.views import phone
from facilitator.web.views.catalogue import catalogue_context, period

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
ANNA = Actor(Role.PARTICIPANT, "anna")
BO = Actor(Role.PARTICIPANT, "bo")
LEA = Actor(Role.LEADER, "lea")
GUEST = Actor(Role.GUEST, "gitte")
_ids = itertools.count()


class Workshop:
    """A workshop driven through the core, as the room would, with a clock of its own."""

    def __init__(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self.state = WorkshopState.initial([p.minutes for p in agenda.phases])
        self.now = T0
        self._owned: tuple[WorkshopState, phone.Owned] | None = None

    def do(self, actor: Actor, **command: Any) -> None:
        self.now += timedelta(seconds=5)
        parsed = COMMANDS.validate_python(command)
        events = decide(self.state, self.agenda, parsed, actor, self.now, f"c{next(_ids)}")
        assert not isinstance(events, Refusal), events.render()
        self.state = fold(self.state, events)

    def join(self, *actors: Actor) -> None:
        """As the edge's join writes them (web/join.py): a member of each role."""
        self.state = fold(
            self.state,
            [
                ParticipantJoined(
                    at=T0,
                    participant=actor.participant_id or "",
                    name=(actor.participant_id or "").title(),
                    department="" if actor.role is Role.GUEST else "miljo",
                    role=actor.role.value,
                )
                for actor in actors
            ],
        )

    def go(self, key: str) -> None:
        index = next(i for i, p in enumerate(self.agenda.phases) if p.key == key)
        if self.state.machine.phase is None:
            self.do(FACILITATOR, type="start")
        if self.state.machine.phase != index:
            self.do(FACILITATOR, type="jump", phase=index)

    def context(self, role: Role, language: str = "da", **kw: Any) -> dict[str, Any]:
        return phone.phone_context(self.state, self.agenda, role, language, **kw)

    def mine(self, actor: Actor) -> dict[str, Any]:
        # As the room does: one ``Owned`` per state, shared by everyone's ``mine``.
        if self._owned is None or self._owned[0] is not self.state:
            self._owned = (self.state, phone.Owned.of(self.state))
        return phone.personal(self.state, self.agenda, actor, self._owned[1])


@pytest.fixture
def day1(programme: Programme) -> Workshop:
    workshop = Workshop(programme.workshop("staff-day-1").agenda)
    workshop.join(ANNA, BO, GUEST)
    return workshop


@pytest.fixture
def day2(programme: Programme) -> Workshop:
    workshop = Workshop(programme.workshop("staff-day-2").agenda)
    workshop.join(ANNA, BO)
    return workshop


def test_the_phase_marker_changes_with_the_phase_and_only_then(day1: Workshop) -> None:
    assert day1.context(Role.PARTICIPANT)["phase_marker"] == "lobby"
    day1.go("welcome")
    assert day1.context(Role.PARTICIPANT)["phase_marker"] == "phase-0"
    day1.do(FACILITATOR, type="pause")
    assert day1.context(Role.PARTICIPANT)["phase_marker"] == "phase-0"
    day1.do(FACILITATOR, type="end")
    assert day1.context(Role.PARTICIPANT)["phase_marker"] == "ended"


def test_a_plenum_shows_its_speakers_and_only_the_approved_questions_most_upvoted_first(
    day1: Workshop,
) -> None:
    day1.go("business-structure")
    day1.do(FACILITATOR, type="name_speakers", participants=["gitte"])
    day1.do(ANNA, type="post_question", text="Hvor mange?", anonymous=True)
    day1.do(BO, type="post_question", text="Hvem ringer vi til?")
    bo_question = next(q for q in day1.state.questions.questions.values() if q.by == "bo")
    day1.do(ANNA, type="upvote_question", question=bo_question.id)
    plenum = day1.context(Role.PARTICIPANT)["plenum"]
    assert plenum["speaker"] == "Erhvervschefen"
    assert plenum["speakers"] == ["Gitte"]
    assert plenum["anonymous"] and not plenum["moderated"] and plenum["may_ask"]
    assert [(q["text"], q["by"], q["votes"]) for q in plenum["questions"]] == [
        ("Hvem ringer vi til?", "Bo", 1),
        ("Hvor mange?", None, 0),  # anonymous: no name, to anyone
    ]
    assert day1.context(Role.GUEST)["plenum"]["may_ask"]  # guests ask in a plenum
    assert day1.context(Role.PARTICIPANT, "en")["plenum"]["speaker"] == (
        "The head of business development"
    )


def test_a_question_waiting_for_approval_is_only_in_its_askers_own_message(
    day1: Workshop,
) -> None:
    day1.go("business-voices")
    day1.do(ANNA, type="post_question", text="Hvad gik godt?")
    assert day1.context(Role.PARTICIPANT)["plenum"]["questions"] == []  # nobody else sees it
    anna, bo = day1.mine(ANNA), day1.mine(BO)
    assert [q["text"] for q in anna["waiting"]] == ["Hvad gik godt?"]
    assert anna["questions"] == [q["id"] for q in anna["waiting"]]
    assert bo["waiting"] == [] and bo["questions"] == []
    day1.do(FACILITATOR, type="approve_question", question=anna["waiting"][0]["id"])
    assert day1.mine(ANNA)["waiting"] == []
    approved = day1.context(Role.PARTICIPANT)["plenum"]["questions"]
    assert [q["text"] for q in approved] == ["Hvad gik godt?"]
    day1.do(BO, type="upvote_question", question=approved[0]["id"])
    assert day1.mine(BO)["upvoted"] == [approved[0]["id"]]
    assert day1.mine(ANNA)["upvoted"] == []


def test_a_poll_shows_its_results_only_once_revealed_and_my_answer_only_to_me(
    day2: Workshop,
) -> None:
    day2.go("entry-points-poll")
    day2.do(ANNA, type="answer_poll", answer="one-door")
    day2.do(BO, type="answer_poll", answer="named-contact")
    poll = day2.context(Role.PARTICIPANT)["poll"]
    assert poll["answered"] == 2 and poll["result"] is None and poll["may_answer"]
    assert poll["options"][0]["label"] == "Én fælles indgang for alle virksomheder"
    assert day2.mine(ANNA)["poll"] == "one-door"
    assert day2.mine(BO)["poll"] == "named-contact"
    day2.do(FACILITATOR, type="reveal_poll")
    poll = day2.context(Role.PARTICIPANT, "en")["poll"]
    assert not poll["may_answer"]
    counts = {c["label"]: (c["n"], c["percent"]) for c in poll["result"]["counts"]}
    assert counts["One front door for every business"] == (1, 50)
    assert counts["As today: one per department"] == (0, 0)


def test_the_pulse_asks_its_items_with_the_scale_words_and_shows_results_only_when_closed(
    day1: Workshop,
) -> None:
    day1.go("pulse-baseline")
    pulse = day1.context(Role.PARTICIPANT)["pulse"]
    assert pulse["scale"][0] == "Meget utilfreds" and pulse["scale"][4] == "Meget tilfreds"
    assert len(pulse["questions"]) == 3 and pulse["recommend"] is not None
    assert pulse["may_answer"] and not pulse["shown"] and pulse["results"] == []
    assert not day1.context(Role.GUEST)["pulse"]["may_answer"]  # participants only, here
    scores = {q["key"]: 4 for q in pulse["questions"]}
    day1.do(ANNA, type="answer_pulse", scores=scores, recommend=9, why="Hurtige svar")
    assert day1.mine(ANNA)["pulse"] == {"scores": scores, "recommend": 9, "why": "Hurtige svar"}
    assert day1.mine(BO)["pulse"] is None  # nobody sees another's answer
    day1.do(FACILITATOR, type="close_pulse")
    closed = day1.context(Role.PARTICIPANT)["pulse"]
    assert closed["closed"] and not closed["shown"]  # one answer is below the minimum


def test_an_individual_phase_speaks_of_commitments_and_keeps_them_to_their_author(
    day2: Workshop,
) -> None:
    day2.go("my-service")
    context = day2.context(Role.PARTICIPANT)
    assert context["noun"] == "commitment" and context["private_board"]
    assert context["anonymous_choice"] is None  # nobody else sees it: no name to leave out
    day2.do(ANNA, type="post_idea", text="Jeg ringer tilbage samme dag")
    day2.do(BO, type="post_idea", text="Jeg svarer inden for en dag")
    assert [i["text"] for i in day2.mine(ANNA)["own"]] == ["Jeg ringer tilbage samme dag"]
    assert [i["text"] for i in day2.mine(BO)["own"]] == ["Jeg svarer inden for en dag"]
    day2.go("sparring-partner")
    context = day2.context(Role.PARTICIPANT)
    assert context["noun"] == "idea" and not context["private_board"]
    assert context["anonymous_choice"] == "optional"
    assert "own" not in day2.mine(ANNA)


def test_shows_others_lets_everyone_see_the_commitments_and_needs_a_board() -> None:
    title = Text(da="Mig", en="Me")
    shared = IndividualPhase(key="me", title=title, minutes=10, board="mine", shows_others=True)
    assert not phone.private_board(shared)
    assert phone.private_board(IndividualPhase(key="me", title=title, minutes=10, board="mine"))
    assert not phone.private_board(IndividualPhase(key="me", title=title, minutes=10))
    with pytest.raises(ValidationError, match="shows_others needs a board"):
        IndividualPhase(key="me", title=title, minutes=10, shows_others=True)


def test_the_reflection_link_stays_from_its_phase_on_and_the_end_names_what_comes_next(
    day1: Workshop, programme: Programme
) -> None:
    day1.go("welcome")
    assert day1.context(Role.PARTICIPANT)["reflection"] is None
    day1.go("home-reflection")
    assert day1.context(Role.PARTICIPANT)["reflection"] == {"now": True}
    day1.go("wrap-up")
    assert day1.context(Role.PARTICIPANT)["reflection"] == {"now": False}
    day1.do(FACILITATOR, type="end")
    titles = {w.key: w.title.model_dump() for w in programme.workshops}
    ended = day1.context(Role.PARTICIPANT, titles=titles, workshop_key="staff-day-1")
    assert ended["reflection"] == {"now": False}
    assert ended["next_workshop"] == "Ledernes idékatalog"
    last = day1.context(Role.PARTICIPANT, titles=titles, workshop_key="staff-day-2")
    assert last["next_workshop"] == ""


def test_my_reactions_in_the_panel_are_in_my_message_only(programme: Programme) -> None:
    from facilitator.core.catalogue_messages import CatalogueImported, ImportedEntry

    day2 = Workshop(programme.workshop("staff-day-2").agenda)
    day2.join(ANNA, BO)
    entry = ImportedEntry(id="w:i1", text="Én indgang", origin="staff-day-1", verdict="await")
    day2.state = fold(
        day2.state, [CatalogueImported(at=T0, source="staff-day-1", entries=(entry,))]
    )
    day2.go("leader-panel")
    day2.do(FACILITATOR, type="reveal_decision", entry="w:i1")
    day2.do(ANNA, type="react", entry="w:i1", reaction="support")
    assert day2.mine(ANNA)["reactions"] == {"w:i1": ["support"]}
    assert day2.mine(BO)["reactions"] == {}


def test_the_votes_rules_are_in_the_context_for_the_reasons_in_words(day1: Workshop) -> None:
    day1.go("proposals-vote")
    assert day1.context(Role.PARTICIPANT)["vote_rules"] == {"budget": 5, "max_per_idea": 2}


# --- the catalogue in words ----------------------------------------------------------------


def test_periods_are_said_as_the_exports_say_them() -> None:
    assert period("2027-Q1", "da") == "1. kvartal 2027"
    assert period("2027-03", "da") == "Marts 2027"
    assert period("2027-Q2", "en") == "Q2 2027"
    assert period(None, "da") is None


def test_the_triage_history_names_people_departments_verdicts_and_periods(
    programme: Programme,
) -> None:
    from facilitator.core.catalogue_messages import CatalogueImported, ImportedEntry

    leaders = Workshop(programme.workshop("leaders-catalogue").agenda)
    leaders.join(LEA)
    entries = (
        ImportedEntry(id="w:a", text="A", origin="staff-day-1", group="g2", votes=3),
        ImportedEntry(id="w:b", text="B", origin="staff-day-1", votes=7),
    )
    leaders.state = fold(
        leaders.state, [CatalogueImported(at=T0, source="staff-day-1", entries=entries)]
    )
    leaders.go("one-by-one")
    for field, value in (("verdict", "start_now"), ("owner", "miljo"), ("timeline", "2027-Q1")):
        leaders.do(LEA, type="triage", entry="w:a", field=field, value=value)
    leaders.do(LEA, type="triage", entry="w:b", field="priority", value=1)
    context = catalogue_context(
        leaders.state,
        leaders.agenda,
        LEA,
        {"miljo": "Miljø"},
        {"lea": "Lea"},
        "da",
        titles={"staff-day-1": "Medarbejderdag 1"},
    )
    rows = {row["id"]: row for row in context["catalogue_rows"]}
    history = [(c["who"], c["field"], c["value"]) for c in rows["w:a"]["history"]]
    assert history == [
        ("Lea", "Afgørelse", "Sættes i gang straks"),
        ("Lea", "Ansvarlig", "Miljø"),
        ("Lea", "Tidsplan", "1. kvartal 2027"),
    ]
    assert rows["w:a"]["origin_title"] == "Medarbejderdag 1"
    assert rows["w:a"]["group_number"] == "2"
    assert rows["w:a"]["timeline_label"] == "1. kvartal 2027"
    assert context["catalogue_decided"] == 1
    # The leaders' order: by priority, unset last.
    assert rows["w:b"]["leaders_order"] == 0 and rows["w:a"]["leaders_order"] == 1
    # A participant is told nothing of the drafts.
    seen = catalogue_context(
        leaders.state, leaders.agenda, ANNA, {"miljo": "Miljø"}, {}, "da", titles={}
    )
    assert all(not row["history"] and row["verdict"] is None for row in seen["catalogue_rows"])


def _tried(workshop: Workshop, actor: Actor, command: dict[str, Any]) -> bool:
    """The command applied if the core takes it here (a phase refuses most of them)."""
    workshop.now += timedelta(seconds=5)
    parsed = COMMANDS.validate_python(command)
    decided = decide(workshop.state, workshop.agenda, parsed, actor, workshop.now, f"c{next(_ids)}")
    if isinstance(decided, Refusal):
        return False
    workshop.state = fold(workshop.state, decided)
    return True


def _attempts(workshop: Workshop, n: int) -> list[tuple[Actor, dict[str, Any]]]:
    """What people and the facilitator may try in the phase under way, on what is there."""
    state, phase = workshop.state, workshop.state.current_phase(workshop.agenda)
    ideas = [i.id for i in state.board.ideas.values() if i.merged_into is None]
    questions = list(state.questions.questions)
    entries = list(state.catalogue.entries)
    tried: list[tuple[Actor, dict[str, Any]]] = []
    for person in (ANNA, BO, GUEST):
        tried.append((person, {"type": "post_idea", "text": f"Idé {n}"}))
        tried.append((person, {"type": "post_question", "text": f"Spørgsmål {n}?"}))
        tried += [(person, {"type": "vote", "idea": i}) for i in ideas[-2:]]
        tried += [(person, {"type": "upvote_question", "question": q}) for q in questions[-2:]]
        if isinstance(phase, PollPhase) and phase.options:
            tried.append((person, {"type": "answer_poll", "answer": phase.options[n % 2].key}))
        pulse = workshop.context(person.role).get("pulse") or {}
        if pulse.get("may_answer"):
            scores = {q["key"]: 1 + n % 5 for q in pulse["questions"]}
            tried.append((person, {"type": "answer_pulse", "scores": scores, "recommend": 7}))
        tried += [(person, {"type": "react", "entry": e, "reaction": "support"}) for e in entries]
    tried += [(FACILITATOR, {"type": "reveal_decision", "entry": e}) for e in entries]
    tried += [(FACILITATOR, {"type": "hide_idea", "idea": i}) for i in ideas[:1]]
    tried += [(FACILITATOR, {"type": "approve_question", "question": q}) for q in questions[:2]]
    if len(ideas) >= 3:
        tried.append((FACILITATOR, {"type": "merge_ideas", "source": ideas[1], "target": ideas[2]}))
    return tried


@pytest.mark.parametrize("day", ["day1", "day2"])
def test_a_persons_mine_stays_the_same_while_what_it_reads_is_unchanged(
    day: str, request: pytest.FixtureRequest
) -> None:
    """``personal_key`` is all that ``personal`` reads: the room keeps a person's ``mine``
    while their key holds, so an equal key with another ``mine`` would show stale things."""
    from facilitator.core.catalogue_messages import CatalogueImported, ImportedEntry

    workshop: Workshop = request.getfixturevalue(day)
    imported = tuple(
        ImportedEntry(id=f"w:i{n}", text=f"Forslag {n}", origin="staff-day-1", verdict="await")
        for n in (1, 2)
    )
    workshop.state = fold(
        workshop.state, [CatalogueImported(at=T0, source="staff-day-1", entries=imported)]
    )
    people = (ANNA, BO, GUEST)
    kept = changed = 0
    for n, phase in enumerate(workshop.agenda.phases):
        workshop.go(phase.key)
        # Three rounds: what one round made (questions, ideas), the next votes on or approves.
        for round in range(3):
            for actor, command in _attempts(workshop, 3 * n + round):
                owned = phone.Owned.of(workshop.state)
                keys = {
                    p: phone.personal_key(workshop.state, workshop.agenda, p, owned) for p in people
                }
                mine = {p: workshop.mine(p) for p in people}
                if not _tried(workshop, actor, command):
                    continue
                owned = phone.Owned.of(workshop.state)
                for person in people:
                    key = phone.personal_key(workshop.state, workshop.agenda, person, owned)
                    if key == keys[person]:
                        kept += 1
                        assert workshop.mine(person) == mine[person], (command, person)
                    else:
                        changed += 1
    assert kept > 20 and changed > 10  # both ways, many times: the test has teeth


def test_a_post_changes_the_posters_key_and_nobody_elses(day1: Workshop) -> None:
    day1.go("needs-and-offers")
    owned = phone.Owned.of(day1.state)
    before = {p: phone.personal_key(day1.state, day1.agenda, p, owned) for p in (ANNA, BO)}
    day1.do(ANNA, type="post_idea", text="Færre skemaer")
    owned = phone.Owned.of(day1.state)
    assert phone.personal_key(day1.state, day1.agenda, ANNA, owned) != before[ANNA]
    assert phone.personal_key(day1.state, day1.agenda, BO, owned) == before[BO]
