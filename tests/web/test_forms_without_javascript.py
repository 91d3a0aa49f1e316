"""Every form works as a plain form post: a leader's triage without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Programme
from facilitator.settings import Settings
from facilitator.store.programmes import WorkshopLinks
from facilitator.web.app import create_app
from tests.support import FakeClock


def index(programme: Programme, workshop: str, key: str) -> int:
    phases = programme.workshop(workshop).agenda.phases
    return next(i for i, p in enumerate(phases) if p.key == key)


@pytest.fixture
def app_settings(sqlite_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=sqlite_url, data_dir=tmp_path)


def facilitate(client: TestClient, link: WorkshopLinks, *commands: dict[str, object]) -> None:
    client.get(link.facilitator)
    for command in commands:
        answer = client.post(f"/w/{link.workshop_id}/commands", json=command)
        assert answer.status_code == 200, answer.text


@pytest.fixture
def staff(app_settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, clock=clock), follow_redirects=False) as client:
        yield client


def test_a_triage_form_posted_without_javascript_sets_every_field_it_changed(
    staff: TestClient, links: list[WorkshopLinks], programme: Programme
) -> None:
    day1, leaders = links[1], links[2]
    facilitate(
        staff,
        day1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "needs-and-offers")},
        {"type": "post_idea", "text": "Én indgang for virksomheder"},
        {"type": "end"},
    )
    facilitate(
        staff,
        leaders,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "one-by-one")},
    )
    leader = TestClient(staff.app, follow_redirects=False)
    joined = leader.post(
        f"/join/{leaders.leader_code}", data={"name": "Leder A", "department": "miljo"}
    )
    assert joined.status_code == 303
    entry = staff.get(f"/w/{leaders.workshop_id}/export.csv").text.splitlines()
    assert any("Én indgang" in line for line in entry)
    page = leader.get(f"/w/{leaders.workshop_id}/me").text
    entry_id = page.split('data-entry="', 1)[1].split('"', 1)[0]
    form = {
        "type": "triage",
        "entry": entry_id,
        "verdict": "start_now",
        "priority": "2",
        "owner": "",
        "timeline": "2027-q2",
        "rationale": "Virksomhederne beder om det",
    }
    posted = leader.post(f"/w/{leaders.workshop_id}/commands", data=form)
    assert posted.status_code == 303, posted.text  # back to the page, as a form post does
    exported = staff.get(f"/w/{leaders.workshop_id}/export.csv").content.decode("utf-8-sig")
    row = next(line for line in exported.splitlines() if "Én indgang" in line)
    assert "2027-Q2" in row and "Virksomhederne beder om det" in row and ";2;" in row
    again = leader.post(f"/w/{leaders.workshop_id}/commands", data=form)
    assert again.status_code == 409  # nothing changed: said so, nothing written
    bad = leader.post(f"/w/{leaders.workshop_id}/commands", data={**form, "timeline": "snart"})
    assert bad.status_code == 422
