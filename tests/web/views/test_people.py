"""The console's people table (web/views/people.py and people_rows.py): each person's
department by name, group and role, kept while nobody changed, and one list of groups for
a table of many groups."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.agenda import Programme
from facilitator.core.actors import FACILITATOR
from facilitator.core.board_messages import FormGroups, Join, PostIdea
from facilitator.core.people_messages import NameSpeakers
from facilitator.rendering import Renderer
from facilitator.web.views.people import people_view
from facilitator.web.views.screens import screen_context
from tests.web.views.driven import PEOPLE, ROW, T0, Day


@pytest.fixture
def day(programme: Programme) -> Day:
    return Day(programme.workshop("staff-day-1").agenda)


def test_people_show_their_department_by_name_their_group_and_who_speaks(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(FormGroups(seed=1))
    people = people_view(day.scene(frozenset({"anna"})), "en")
    anna = next(p for p in people["people"] if p.id == "anna")
    assert anna.department == "Environment" and anna.online and anna.group is not None
    assert people["people_online"] == 1 and people["forms_groups"]
    assert sorted(people["group_ids"]) == sorted({p.group for p in people["people"]})
    assert not people["names_speakers"]
    day.go("business-voices")
    day.do(NameSpeakers(participants=("bo",)))
    people = people_view(day.scene(), "da")
    assert [p.name for p in people["speakers"]] == ["Bo"]
    assert next(p for p in people["people"] if p.id == "bo").department == "Plan og Byg"
    assert people["names_speakers"] and people["group_ids"] == []


def test_the_people_rows_are_made_again_when_people_change_not_for_every_idea(day: Day) -> None:
    day.go("needs-and-offers")
    day.do(FormGroups(seed=1))
    online = frozenset({"anna"})
    rows = people_view(day.scene(online), "da")["people"]
    day.do(PostIdea(text="Én indgang"), "anna")
    assert people_view(day.scene(online), "da")["people"] is rows  # kept: nobody changed
    assert people_view(day.scene(online | {"bo"}), "da")["people"] != rows  # Bo came online
    day.do(Join(name="Eva", department="miljo"), "eva", "eva")
    assert "Eva" in [p.name for p in people_view(day.scene(online), "da")["people"]]
    assert people_view(day.scene(online), "en")["people"][0].department == "Environment"


def test_beyond_twelve_groups_one_list_of_groups_serves_the_whole_people_table(
    day: Day,
) -> None:
    renderer = Renderer()

    def people_table() -> tuple[str, dict[str, Any]]:
        context = screen_context(
            day.scene(), ROW, FACILITATOR, "da", base_url="http://laptop", now=T0
        )
        return renderer.render("fragments/people.html", context, "da"), context

    day.go("needs-and-offers")
    day.do(FormGroups(seed=1))
    few, context = people_table()
    assert len(context["group_ids"]) <= 12 and few.count("<select") == len(PEOPLE)
    for n in range(76):
        day.do(Join(name=f"Deltager {n}", department="miljo"), f"p{n:02}", f"p{n:02}")
    day.do(FormGroups(seed=2))
    many, context = people_table()
    groups = len(context["group_ids"])
    assert groups > 12 and "<select" not in many
    assert many.count("<option") == groups  # one list, not one per person
    assert many.count('list="group-choices"') == len(PEOPLE) + 76
    assert (
        'id="move-p00" name="group" list="group-choices" value="G' in many
    )  # as the selects show it
