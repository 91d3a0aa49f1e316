"""You said, we did: after the leader panel each person sees every decided proposal, their own
marked (for them alone), and what the leaders say became of it since."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Programme
from facilitator.store.db import make_engine, session_scope
from facilitator.store.programmes import WorkshopLinks
from facilitator.store.workshops import get_workshop, restore
from tests.support import FakeClock


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def steer(client: TestClient, link: WorkshopLinks, *commands: dict[str, Any]) -> None:
    token = link.facilitator.split("token=")[1]
    for command in commands:
        answer = client.post(f"/w/{link.workshop_id}/commands", json=command, headers=bearer(token))
        assert answer.status_code == 200, (command, answer.text)


def join(client: TestClient, code: str, name: str, proof: str | None = None) -> tuple[str, str]:
    headers = bearer(proof) if proof else {}
    client.cookies.clear()  # each person joins on a phone of their own
    answer = client.post(
        f"/join/{code}", json={"name": name, "department": "miljo"}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["participant"], answer.json()["token"]


def act(client: TestClient, workshop: str, token: str, command: dict[str, Any]) -> None:
    answer = client.post(f"/w/{workshop}/commands", json=command, headers=bearer(token))
    assert answer.status_code == 200, (command, answer.text)


def index(programme: Programme, workshop: str, kind: str) -> int:
    agenda = programme.workshop(workshop).agenda
    return next(i for i, p in enumerate(agenda.phases) if p.kind == kind)


def entries(sqlite_url: str, workshop_id: str) -> dict[str, str]:
    """The catalogue's entries: text → id."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        row = get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        found = {e.text: e.id for e in restore(session, workshop=row).catalogue.entries.values()}
    engine.dispose()
    return found


@pytest.fixture
def programme_run(
    client: TestClient, links: list[WorkshopLinks], programme: Programme, sqlite_url: str
) -> dict[str, Any]:
    """Staff day 1 → the leaders' catalogue → staff day 2's panel, over HTTP."""
    _, day1, catalogue, day2 = links
    ada, ada_token = join(client, day1.join_code, "Ada")
    _bo, bo_token = join(client, day1.join_code, "Bo")
    steer(
        client,
        day1,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "staff-day-1", "group_work")},
    )
    act(
        client,
        day1.workshop_id,
        ada_token,
        {"type": "post_idea", "text": "Én indgang for virksomheder"},
    )
    act(client, day1.workshop_id, bo_token, {"type": "post_idea", "text": "Fast kontaktperson"})
    steer(client, day1, {"type": "end"})

    _leader, leader_token = join(client, catalogue.leader_code, "Leder")
    steer(
        client,
        catalogue,
        {"type": "start"},
        {"type": "jump", "phase": index(programme, "leaders-catalogue", "leader_triage")},
    )
    ids = entries(sqlite_url, catalogue.workshop_id)
    one, contact = ids["Én indgang for virksomheder"], ids["Fast kontaktperson"]
    for entry, field, value in (
        (one, "verdict", "start_now"),
        (one, "owner", "miljo"),
        (one, "timeline", "2027-Q2"),
        (contact, "verdict", "await"),
    ):
        act(
            client,
            catalogue.workshop_id,
            leader_token,
            {"type": "triage", "entry": entry, "field": field, "value": value},
        )
    steer(client, catalogue, {"type": "end"})

    # Ada joins day 2 on the phone she used on day 1 (it proves she is the same person).
    _ada2, ada2_token = join(client, day2.join_code, "Ada", proof=ada_token)
    panel = index(programme, "staff-day-2", "leader_panel")
    steer(
        client,
        day2,
        {"type": "start"},
        {"type": "jump", "phase": panel},
        {"type": "reveal_decision", "entry": one},
    )
    return {
        "day1": day1,
        "day2": day2,
        "catalogue": catalogue,
        "ada": ada,
        "ada_day1": ada_token,
        "ada_day2": ada2_token,
        "bo": bo_token,
        "leader": leader_token,
        "one": one,
        "contact": contact,
    }


def marked(page: str) -> list[str]:
    """The texts of the entries marked as the viewer's own."""
    mark = r'<li class="outcome-entry mine"[^>]*>\s*<p class="mine-mark">[^<]*</p>\s*'
    return re.findall(mark + r'<p class="text">([^<]*)</p>', page)


def test_during_the_panel_only_what_was_revealed_shows(
    client: TestClient, programme_run: dict[str, Any]
) -> None:
    day2 = programme_run["day2"]
    page = client.get(f"/w/{day2.workshop_id}/outcome", headers=bearer(programme_run["ada_day2"]))
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Én indgang for virksomheder" in text and "Fast kontaktperson" not in text
    assert "ledelsespanelet" in text


def test_after_the_panel_each_sees_every_decision_and_their_own_marked(
    client: TestClient, programme_run: dict[str, Any]
) -> None:
    day1, day2 = programme_run["day1"], programme_run["day2"]
    steer(client, day2, {"type": "next"})
    ada = client.get(f"/w/{day2.workshop_id}/outcome", headers=bearer(programme_run["ada_day2"]))
    assert ada.status_code == 200 and ada.headers["cache-control"] == "no-store, private"
    text = html.unescape(ada.text)
    for shown in (
        "Sættes i gang straks",
        "Afventer",
        "Miljø",
        "2. kvartal 2027",
        "Fast kontaktperson",
    ):
        assert shown in text, shown
    assert marked(text) == ["Én indgang for virksomheder"]
    # Bo, whose phone was only on day 1, sees the same outcome with his own proposal marked.
    bo = html.unescape(
        client.get(f"/w/{day1.workshop_id}/outcome", headers=bearer(programme_run["bo"])).text
    )
    assert marked(bo) == ["Fast kontaktperson"] and "Én indgang for virksomheder" in bo
    # Ada's day-1 phone proves her on day 1's page, and on no earlier workshop's.
    on_day1 = client.get(
        f"/w/{day1.workshop_id}/outcome", headers=bearer(programme_run["ada_day1"])
    )
    assert marked(html.unescape(on_day1.text)) == ["Én indgang for virksomheder"]
    later = programme_run["catalogue"]  # a workshop after the only one Bo was in
    assert (
        client.get(
            f"/w/{later.workshop_id}/outcome", headers=bearer(programme_run["bo"])
        ).status_code
        == 403
    )


def test_nobody_else_sees_it(client: TestClient, programme_run: dict[str, Any]) -> None:
    day2 = programme_run["day2"]
    client.cookies.clear()
    assert client.get(f"/w/{day2.workshop_id}/outcome").status_code == 403
    stranger = client.get(f"/w/{day2.workshop_id}/outcome", headers=bearer("x" * 32))
    assert stranger.status_code == 403
    facilitator = client.get(day2.facilitator)
    assert facilitator.status_code == 303
    page = client.get(f"/w/{day2.workshop_id}/outcome")
    assert page.status_code == 200 and marked(html.unescape(page.text)) == []


def test_leaders_tell_what_became_of_a_decision(
    client: TestClient, programme_run: dict[str, Any]
) -> None:
    day2, one = programme_run["day2"], programme_run["one"]
    leader = bearer(programme_run["leader"])
    early = client.post(
        f"/w/{day2.workshop_id}/initiatives",
        data={"entry": one, "status": "started"},
        headers=leader,
    )
    assert early.status_code == 409 and "ledelsespanelet er slut" in early.text
    steer(client, day2, {"type": "end"})
    page = client.get(f"/w/{day2.workshop_id}/initiatives", headers=leader)
    assert page.status_code == 200 and 'name="status"' in page.text
    done = client.post(
        f"/w/{day2.workshop_id}/initiatives",
        data={"entry": one, "status": "started", "note": "Første møde 3. marts"},
        headers=leader,
    )
    assert done.status_code == 303
    outcome = html.unescape(
        client.get(f"/w/{day2.workshop_id}/outcome", headers=bearer(programme_run["ada_day2"])).text
    )
    assert "Sat i gang" in outcome and "Første møde 3. marts" in outcome
    bad = client.post(
        f"/w/{day2.workshop_id}/initiatives",
        data={"entry": one, "status": "finished"},
        headers=leader,
    )
    assert bad.status_code == 422 and "sat i gang, gennemført eller udskudt" in bad.text
    staff = client.post(
        f"/w/{day2.workshop_id}/initiatives",
        data={"entry": one, "status": "done"},
        headers=bearer(programme_run["bo"]),
    )
    assert staff.status_code == 403


def test_the_programme_report_counts_what_happened(
    client: TestClient, programme_run: dict[str, Any], sqlite_url: str, clock: FakeClock
) -> None:
    from facilitator.store import home

    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        secret = home.new_link(session, now=clock())
    engine.dispose()
    client.cookies.clear()
    assert client.post(f"/home/login/{secret}").status_code == 303
    programme_id = programme_run["day1"].programme_id
    report = html.unescape(client.get(f"/home/programmes/{programme_id}/report").text)
    day1 = report.split('<h2 id="workshop-2">', 1)[1].split("</section>", 1)[0]
    assert "Medarbejderdag 1" in day1
    assert re.search(r"<dt>Medarbejdere</dt><dd>2</dd>", day1)
    assert re.search(r"<dt>Idéer</dt><dd>2</dd>", day1)
    decisions = report.split('id="decisions"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<dt>Sættes i gang straks</dt><dd>1</dd>", decisions)
    assert re.search(r"<dt>Afventer</dt><dd>1</dd>", decisions)
