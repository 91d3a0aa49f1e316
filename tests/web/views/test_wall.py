"""The wall's context (web/views/wall.py, its board in wall_board.py): what the projector
shows in each phase, built from what the whole room may see, played through the core with
the real agendas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from facilitator.agenda import Agenda, Programme, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.catalogue_messages import ImportedEntry
from facilitator.core.errors import Refusal
from facilitator.core.workshop import COMMANDS, Sources, WorkshopState, decide, fold
from facilitator.rendering import Renderer
from facilitator.web.views import wall_columns
from facilitator.web.views.wall import signed, wall_context
from facilitator.web.views.wall_board import density, flow_columns

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
RENDERER = Renderer()
DEPARTMENTS = ("miljo", "beskaeftigelse", "plan-og-byg", "social", "borgerservice")


class Play:
    """A workshop driven through the core, as the room would drive it."""

    def __init__(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self.state = WorkshopState.initial([p.minutes for p in agenda.phases])
        self.now = T0
        self.n = 0

    def do(
        self,
        command: dict[str, Any],
        actor: Actor = FACILITATOR,
        sources: Sources | None = None,
        made: str = "",
    ) -> None:
        """``made``: the id of what the command makes (a member joining is that id)."""
        self.n += 1
        decided = decide(
            self.state, self.agenda, COMMANDS.validate_python(command), actor, self.now,
            made or f"c{self.n}", sources,
        )  # fmt: skip
        assert not isinstance(decided, Refusal), (command, decided)
        self.state = fold(self.state, decided)

    def join(self, count: int, role: str = "participant") -> list[Actor]:
        people = []
        for n in range(count):
            pid = f"{role[0]}{n:02}"
            actor = Actor(Role(role), pid)
            self.do({"type": "join", "name": f"Person {pid}", "department": DEPARTMENTS[n % 5]},
                    actor, made=pid)  # fmt: skip
            people.append(actor)
        return people

    def jump(self, key: str, sources: Sources | None = None) -> None:
        if self.state.machine.status.value == "lobby":
            self.do({"type": "start"})
        index = [p.key for p in self.agenda.phases].index(key)
        if self.state.machine.phase != index:
            self.do({"type": "jump", "phase": index}, sources=sources)

    def wall(self, language: str = "da", departments: dict[str, str] | None = None) -> Any:
        """The wall's context; rendered too, so that every state the tests reach renders."""
        assert 'id="projector-title"' in _render(RENDERER, self, language)
        return wall_context(self.state, self.agenda, language, self.now, departments)["wall"]


@pytest.fixture
def day1(programme: Programme) -> Agenda:
    return programme.workshop("staff-day-1").agenda


@pytest.fixture
def day2(programme: Programme) -> Agenda:
    return programme.workshop("staff-day-2").agenda


def test_the_lobby_counts_who_joined_and_the_header_counts_phases(day1: Agenda) -> None:
    play = Play(day1)
    play.join(7)
    wall = play.wall()
    assert wall["status"] == "lobby" and wall["joined"] == 7
    assert wall["head"]["title"] == day1.title.da
    play.jump("welcome")
    head = play.wall("en")["head"]
    assert (head["number"], head["total"]) == (1, len(day1.phases))
    assert head["title"] == day1.phases[0].title.en
    assert head["deadline"] and head["time_left"] == day1.phases[0].minutes * 60


def test_a_break_says_when_we_are_back_in_copenhagen_time(day1: Agenda) -> None:
    play = Play(day1)
    play.now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 10:30 in Copenhagen
    play.jump("morning-break")  # 15 minutes
    assert play.wall("da")["head"]["back_at"] == "10.45"
    assert play.wall("en")["head"]["back_at"] == "10:45"
    play.do({"type": "pause"})
    assert play.wall()["head"]["back_at"] is None  # paused: nobody knows yet


def test_the_header_counts_how_far_over_time_a_phase_is(day1: Agenda) -> None:
    play = Play(day1)
    play.jump("welcome")  # 15 minutes
    play.now += timedelta(minutes=18, seconds=20)
    head = play.wall()["head"]
    assert (head["time_left"], head["overrun"]) == (0, 200)


def test_a_plenum_names_its_speakers_and_shows_only_what_the_room_may_see(day1: Agenda) -> None:
    play = Play(day1)
    staff = play.join(6)
    guests = play.join(2, "guest")
    play.jump("business-voices")
    play.do({"type": "name_speakers", "participants": [g.participant_id for g in guests]})
    speakers = play.wall()["head"]["speakers"]
    assert speakers["text"] == "To lokale virksomhedsledere"
    assert speakers["names"] == "Person g00 og Person g01" and speakers["count"] == 2
    assert play.wall("en")["head"]["speakers"]["names"] == "Person g00 and Person g01"

    for n, person in enumerate(staff[:5]):
        play.do({"type": "post_question", "text": f"Spørgsmål {n}", "anonymous": n == 0}, person)
    ids = [q.id for q in play.state.questions.questions.values()]
    moderated = day1.phases[[p.key for p in day1.phases].index("business-voices")]
    assert getattr(moderated, "moderated_questions", False)
    assert play.wall()["plenum"]["top"] == []  # nothing approved: nothing on the wall
    for key in ids[:4]:
        play.do({"type": "approve_question", "question": key})
    play.do({"type": "hide_question", "question": ids[3]})
    for voters, key in ((staff[1:4], ids[0]), (staff[5:6], ids[2])):
        for voter in voters:
            play.do({"type": "upvote_question", "question": key}, voter)
    play.do({"type": "show_question", "question": ids[1]})
    plenum = play.wall()["plenum"]
    assert plenum["on_wall"] == {"text": "Spørgsmål 1", "votes": 0}
    assert [(q["text"], q["votes"]) for q in plenum["top"]] == [
        ("Spørgsmål 0", 3),
        ("Spørgsmål 2", 1),
    ]
    assert plenum["total"] == 3  # the hidden and the waiting one are not the room's
    assert "by" not in str(plenum) and "p00" not in str(plenum)  # askers are never shown


def _in_four_groups(day1: Agenda) -> tuple[Play, list[Actor]]:
    """Twenty people in group work, placed in four groups."""
    play = Play(day1)
    people = play.join(20)
    play.jump("needs-and-offers")
    play.do({"type": "form_groups", "seed": 1})
    return play, people


def test_forty_ideas_in_four_groups_become_four_named_columns_and_one_without(
    day1: Agenda,
) -> None:
    play, people = _in_four_groups(day1)
    late = play.join(1, "leader")[0]  # joined after the groups were formed: in none
    for n, person in enumerate(people * 2):
        play.do({"type": "post_idea", "text": f"Idé {n}"}, person)
    play.do({"type": "post_idea", "text": "Uden for grupperne"}, late)
    hidden = next(iter(play.state.board.ideas))
    play.do({"type": "hide_idea", "idea": hidden})
    board = play.wall()["board"]
    assert board["layout"] == "groups"
    columns = board["columns"]
    assert [c["label"] for c in columns] == ["1", "2", "3", "4", None]
    assert all(len(c["members"]) == 5 for c in columns[:4])
    assert [i["text"] for i in columns[4]["ideas"]] == ["Uden for grupperne"]
    shown = [i["id"] for c in columns for i in c["ideas"]]
    assert len(shown) == len(set(shown)) == 40 and hidden not in shown
    assert board["count"] == 40 and board["density"] == 4


def _with_an_idea_each(day1: Agenda) -> tuple[Play, list[Actor]]:
    play, people = _in_four_groups(day1)
    for n, person in enumerate(people):
        play.do({"type": "post_idea", "text": f"Idé {n}"}, person)
    return play, people


def test_an_idea_in_one_group_renders_that_groups_column_and_keeps_the_others(
    day1: Agenda,
) -> None:
    play, people = _with_an_idea_each(day1)
    wall_columns.clear()
    before = _render(RENDERER, play, "da")
    assert len(wall_columns._columns) == 4  # one piece per group's column
    play.do({"type": "post_idea", "text": "Én <indgang> mere"}, people[0])
    after = _render(RENDERER, play, "da")
    assert len(wall_columns._columns) == 5  # the poster's group's column, rendered anew
    assert "Én &lt;indgang&gt; mere" in after and "Én &lt;indgang&gt;" not in before
    assert _render(RENDERER, play, "en") != after and len(wall_columns._columns) == 9
    wall_columns.clear()
    assert _render(RENDERER, play, "da") == after  # kept pieces are what a fresh render makes


def test_an_idea_in_one_group_makes_that_groups_column_and_the_others_are_the_very_ones_of_before(
    day1: Agenda,
) -> None:
    play, people = _with_an_idea_each(day1)
    before = play.wall()["board"]["columns"]
    play.do({"type": "post_idea", "text": "Én indgang mere"}, people[0])
    after = play.wall()["board"]["columns"]
    changed = [n for n, (old, new) in enumerate(zip(before, after, strict=True)) if old is not new]
    assert len(changed) == 1  # the poster's group's column; its HTML is found by the others'
    assert "Én indgang mere" in [i["text"] for i in after[changed[0]]["ideas"]]
    assert [c["members"] for c in after] == [c["members"] for c in before]


def test_without_groups_the_ideas_share_columns_by_their_number(day2: Agenda) -> None:
    play = Play(day2)
    person = play.join(1)[0]
    play.jump("sparring-partner")  # no groups formed
    for n in range(7):
        play.do({"type": "post_idea", "text": f"Idé {n}"}, person)
    board = play.wall()["board"]
    assert board["layout"] == "flow" and len(board["columns"]) == 3
    assert [len(c["ideas"]) for c in board["columns"]] == [3, 2, 2]
    assert [i["text"] for i in board["columns"][0]["ideas"]] == ["Idé 0", "Idé 3", "Idé 6"]
    assert [flow_columns(n) for n in (0, 1, 2, 6, 7, 15, 16, 28, 29, 80)] == [
        1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]  # fmt: skip
    assert density(3, 1) == 1 and density(12, 4) == 4 and density(40, 8) == 5
    assert (signed(20), signed(0), signed(-60)) == ("+20", "0", "\u221260")


def test_commitments_each_sees_only_of_their_own_are_only_counted_on_the_wall(
    day2: Agenda,
) -> None:
    play = Play(day2)
    person = play.join(1)[0]
    play.jump("my-service")  # an individual phase whose board is private
    for n in range(3):
        play.do({"type": "post_idea", "text": f"Min ændring {n}"}, person)
    wall = play.wall()
    assert wall["board"] is None and wall["private"] == {"count": 3}
    assert "Min ændring" not in _render(RENDERER, play, "da")


def test_after_the_reveal_the_wall_ranks_by_votes_and_never_before(day1: Agenda) -> None:
    play = Play(day1)
    people = play.join(10)
    play.jump("needs-and-offers")
    for n in range(12):
        play.do({"type": "post_idea", "text": f"Idé {n}"}, people[n % 10])
    play.jump("proposals-vote")
    ideas = list(play.state.board.ideas)
    # Idea 11 (posted last) gets the most votes; 3 and 5 tie.
    wanted = {11: 9, 3: 6, 5: 6, 0: 4, 7: 3, 8: 2, 9: 1}
    given = {pid.participant_id: 0 for pid in people}
    for index, count in wanted.items():
        for n in range(count):
            voter = people[(index + n) % 10]
            play.do({"type": "vote", "idea": ideas[index]}, voter)
            given[voter.participant_id] = given.get(voter.participant_id, 0) + 1
    before = play.wall()
    assert before["result"] is None and before["board"] is not None
    assert "votes" not in str(before["board"])
    play.do({"type": "reveal_votes"})
    result = play.wall("en")["result"]
    assert play.wall()["board"] is None
    top = [(p["place"], p["text"], p["votes"]) for p in result["top"]]
    assert top == [(1, "Idé 11", 9), (2, "Idé 3", 6), (2, "Idé 5", 6), (4, "Idé 0", 4),
                   (5, "Idé 7", 3)]  # fmt: skip
    assert result["top"][0]["bar"] == 100 and result["top"][3]["bar"] == pytest.approx(44.4)
    rest = [p["text"] for column in result["rest"] for p in column]
    assert rest == ["Idé 8", "Idé 9"] and result["unvoted"] == 5  # the rest only counted
    assert result["total"] == sum(wanted.values())
    play.jump("sharpen-proposals")  # a later group work on the same board, then the end
    sharpen = play.wall()["board"]
    earlier = next(c for c in sharpen["columns"] if c.get("earlier"))
    assert [(i["text"], i["votes"]) for i in earlier["ideas"]][:3] == [
        ("Idé 11", 9),
        ("Idé 3", 6),
        ("Idé 5", 6),
    ]  # the earlier ideas, most voted first: what the later group work takes up
    assert sharpen["count"] == 12
    play.do({"type": "end"})
    ended = play.wall()
    assert ended["status"] == "ended" and ended["board"] is None
    assert [p["text"] for p in ended["result"]["top"]][:2] == ["Idé 11", "Idé 3"]


def test_after_the_end_the_last_board_stays_on_the_wall(day1: Agenda) -> None:
    play = Play(day1)
    people = play.join(4)
    play.jump("needs-and-offers")
    play.do({"type": "form_groups", "seed": 3})
    for n, person in enumerate(people):
        play.do({"type": "post_idea", "text": f"Idé {n}"}, person)
    play.do({"type": "end"})
    wall = play.wall()
    assert wall["result"] is None and wall["board"]["count"] == 4
    assert [c["label"] for c in wall["board"]["columns"]] == ["1"]  # four make one group


def test_a_poll_shows_how_many_answered_and_after_the_reveal_a_chart(day2: Agenda) -> None:
    play = Play(day2)
    people = play.join(10)
    play.jump("entry-points-poll")
    for n, person in enumerate(people):
        play.do({"type": "answer_poll", "answer": "one-door" if n < 6 else "per-case"}, person)
    poll = play.wall()["poll"]
    assert poll["answered"] == 10 and not poll["revealed"] and poll["rows"] == []
    assert len(poll["options"]) == 4
    play.do({"type": "reveal_poll"})
    poll = play.wall()["poll"]
    assert [(r["label"], r["count"], r["bar"]) for r in poll["rows"]] == [
        ("Én fælles indgang for alle virksomheder", 6, 100),
        ("En fast kontaktperson for hver virksomhed", 0, 0),
        ("Én indgang pr. sag, med en tovholder", 4, pytest.approx(66.7)),
        ("Som i dag: én indgang pr. afdeling", 0, 0),
    ]
    assert poll["rows"][0]["share"] == "60\xa0%"
    assert play.wall("en")["poll"]["rows"][0]["share"] == "60%"


def test_the_pulse_shows_results_once_closed_with_enough_answers(day1: Agenda) -> None:
    play = Play(day1)
    people = play.join(6)
    play.jump("pulse-baseline")
    pulse = day1.pulse
    assert pulse is not None
    for n, person in enumerate(people[: pulse.minimum_answers - 1]):
        scores = {item.key: 1 + (n % 5) for item in pulse.items}
        play.do({"type": "answer_pulse", "scores": scores, "recommend": 8}, person)
    wall = play.wall()["pulse"]
    assert (wall["answered"], wall["shown"], wall["closed"]) == (4, False, False)
    play.do({"type": "close_pulse"})
    wall = play.wall()["pulse"]
    assert wall["closed"] and not wall["shown"] and wall["results"] == []

    again = Play(day1)
    people = again.join(6)
    again.jump("pulse-baseline")
    for n, person in enumerate(people):
        scores = {item.key: (4 if n < 3 else 5) for item in pulse.items}
        again.do({"type": "answer_pulse", "scores": scores, "recommend": 9}, person)
    again.do({"type": "close_pulse"})
    wall = again.wall()["pulse"]
    assert wall["shown"] and len(wall["results"]) == len(pulse.items)
    item = wall["results"][0]
    assert item["n"] == 6 and item["mean"] == "4,5"
    assert [b["count"] for b in item["bars"]] == [0, 0, 0, 3, 3]
    assert again.wall("en")["pulse"]["results"][0]["mean"] == "4.5"


def test_the_panel_shows_the_latest_decision_and_a_timeline_in_months_and_quarters(
    day2: Agenda,
) -> None:
    play = Play(day2)
    people = play.join(3)
    sources: Sources = {
        "staff-day-1": [
            ImportedEntry(id="a", text="Én indgang", origin="staff-day-1", verdict="start_now",
                          timeline="2027-Q1", owner="borgerservice", rationale="Det kan vi nu"),
            ImportedEntry(id="b", text="Fast kontakt", origin="staff-day-1", verdict="start_now",
                          timeline="2027-03"),
            ImportedEntry(id="c", text="Ny hjemmeside", origin="staff-day-1", verdict="await",
                          timeline="2027-Q2"),
            ImportedEntry(id="d", text="Hemmelig", origin="staff-day-1", verdict="start_now",
                          timeline="2027-Q4"),
        ]
    }  # fmt: skip
    play.jump("leader-panel", sources=sources)
    assert play.wall()["panel"]["latest"] is None
    assert play.wall()["panel"]["timeline"] == []  # nothing revealed: no decision shown
    for key in ("b", "a"):
        play.do({"type": "reveal_decision", "entry": key})
    play.do({"type": "react", "entry": "a", "reaction": "support"}, people[0])
    play.do({"type": "react", "entry": "a", "reaction": "support"}, people[1])
    play.do({"type": "react", "entry": "a", "reaction": "question"}, people[2])
    play.do({"type": "ask_question", "text": "Hvornår?", "entry": "a"}, people[2])
    panel = play.wall("da", {"borgerservice": "Borgerservice"})["panel"]
    latest = panel["latest"]
    assert (latest["text"], latest["verdict_label"], latest["period"], latest["owner"]) == (
        "Én indgang",
        "Sættes i gang straks",
        "1. kvartal 2027",
        "Borgerservice",
    )
    assert (latest["support"], latest["question_reactions"], latest["questions"]) == (2, 1, 1)
    assert [d["text"] for d in panel["earlier"]] == ["Fast kontakt"]
    assert [(s["label"], s["entries"]) for s in panel["timeline"]] == [
        ("1. kvartal 2027", ["Én indgang"]),
        ("Marts 2027", ["Fast kontakt"]),
    ]  # "Hemmelig" is not revealed: neither it nor its quarter is on the wall
    english = play.wall("en")["panel"]
    assert [s["label"] for s in english["timeline"]] == ["Q1 2027", "March 2027"]


def test_every_phase_of_every_agenda_renders_in_both_languages(programme: Programme) -> None:
    """The templates render for every phase kind, empty, in Danish and English."""
    renderer = RENDERER
    for workshop in programme.workshops:
        play = Play(workshop.agenda)
        play.join(2)
        for language in ("da", "en"):
            html = _render(renderer, play, language)
            assert 'id="projector"' in html
        for index in range(len(workshop.agenda.phases)):
            play.do({"type": "jump", "phase": index} if index else {"type": "start"})
            for language in ("da", "en"):
                html = _render(renderer, play, language)
                assert 'id="projector-title"' in html, (workshop.key, index)


def _render(renderer: Renderer, play: Play, language: str) -> str:
    class Row:
        id = "w1"
        join_code = "ABC123"

    context = {
        "workshop": Row(),
        "qr": "<svg></svg>",
        "join_url": "http://example/join/ABC123",
        **wall_context(play.state, play.agenda, language, play.now),
    }
    return renderer.render("fragments/projector.html", context, language)
