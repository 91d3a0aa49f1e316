"""Guests join with their own code and name no department; the facilitator downloads the
plenum's questions and the programme's pulse."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Programme
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from tests.support import FakeClock


@pytest.fixture
def day1(sqlite_url: str, programme: Programme, clock: FakeClock) -> WorkshopLinks:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    links = create_programme(engine, programme, clock=clock, base_url="")
    engine.dispose()
    return links[1]


def test_a_guest_joins_with_the_guest_code_and_names_no_department(
    client: TestClient, day1: WorkshopLinks
) -> None:
    assert day1.guest_code and day1.guest_code not in (day1.join_code, day1.leader_code)
    form = client.get(f"/join/{day1.guest_code}")
    assert form.status_code == 200
    assert 'name="department"' not in form.text
    joined = client.post(f"/join/{day1.guest_code}", json={"name": "Lise Lokalvirksomhed"})
    assert joined.status_code == 200, joined.text
    assert joined.json()["role"] == "guest"
    page = client.get(f"/w/{day1.workshop_id}/me")
    assert page.status_code == 200
    staff = TestClient(client.app)
    staff.get(day1.facilitator)
    console = staff.get(f"/w/{day1.workshop_id}/facilitator")
    assert "Lise Lokalvirksomhed" in console.text


def test_a_participant_still_names_a_department(client: TestClient, day1: WorkshopLinks) -> None:
    refused = client.post(f"/join/{day1.join_code}", json={"name": "Uden Afdeling"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "no_department"


def test_the_facilitator_downloads_the_questions_and_the_pulse(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.get(day1.facilitator)
    questions = client.get(f"/w/{day1.workshop_id}/questions.csv")
    assert questions.status_code == 200
    assert questions.content.startswith(b"\xef\xbb\xbf")  # for Danish Excel
    assert "attachment" in questions.headers["content-disposition"]
    assert client.get(f"/w/{day1.workshop_id}/questions.xlsx").status_code == 200
    assert client.get(f"/w/{day1.workshop_id}/pulse.csv").status_code == 200
    assert client.get(f"/w/{day1.workshop_id}/pulse.pdf").status_code == 404


def test_a_participant_cannot_download_them(client: TestClient, day1: WorkshopLinks) -> None:
    client.post(f"/join/{day1.join_code}", json={"name": "Anna", "department": "miljo"})
    for what in ("questions.csv", "pulse.csv", "export.csv"):
        assert client.get(f"/w/{day1.workshop_id}/{what}").status_code == 403


def test_the_board_export_lists_every_idea_with_its_group_and_theme_even_after_the_end(
    client: TestClient, day1: WorkshopLinks, programme: Programme
) -> None:
    phases = programme.workshop("staff-day-1").agenda.phases
    work = next(i for i, p in enumerate(phases) if p.kind == "group_work")
    client.post(f"/join/{day1.join_code}", json={"name": "Anna", "department": "miljo"})
    anna = TestClient(client.app)
    anna.cookies.update(client.cookies)
    staff = TestClient(client.app)
    staff.get(day1.facilitator)
    url = f"/w/{day1.workshop_id}/commands"
    for command in ({"type": "start"}, {"type": "jump", "phase": work}):
        assert staff.post(url, json=command).status_code == 200
    assert anna.post(url, json={"type": "post_idea", "text": "Før grupperne"}).status_code == 200
    assert staff.post(url, json={"type": "form_groups", "seed": 1}).status_code == 200
    assert staff.post(url, json={"type": "create_theme", "name": "Indgange"}).status_code == 200
    assert staff.post(url, json={"type": "end"}).status_code == 200
    exported = staff.get(f"/w/{day1.workshop_id}/board.csv").content.decode("utf-8-sig")
    row = next(line for line in exported.splitlines() if "Før grupperne" in line)
    assert "Gruppe 1" in row and "Anna" in row  # posted before the groups, now in hers
    assert staff.get(f"/w/{day1.workshop_id}/board.xlsx").status_code == 200
    reopened = staff.post(url, json={"type": "reopen"})
    assert reopened.status_code == 200
    assert staff.get(f"/w/{day1.workshop_id}/state").json()["status"] == "paused"
