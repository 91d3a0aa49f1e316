from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Programme
from facilitator.store.db import make_engine
from facilitator.store.programmes import WorkshopLinks, create_programme
from tests.support import FakeClock, top_ids


def facilitator_client(client: TestClient, workshop: WorkshopLinks) -> TestClient:
    response = client.get(workshop.facilitator)
    assert response.status_code == 303
    return client


def in_group_work(client: TestClient, workshop: WorkshopLinks) -> str:
    """As the facilitator, start the workshop and go to its group work (a board); the
    commands path."""
    facilitator_client(client, workshop)
    commands = f"/w/{workshop.workshop_id}/commands"
    client.post(commands, json={"type": "start"})
    client.post(commands, json={"type": "jump", "phase": 5})
    return commands


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "sqlite"}


def test_the_facilitator_link_sets_a_cookie_and_hides_the_token(
    client: TestClient, day1: WorkshopLinks
) -> None:
    response = client.get(day1.facilitator)
    assert response.status_code == 303
    assert response.headers["location"] == f"/w/{day1.workshop_id}/facilitator"
    page = client.get(f"/w/{day1.workshop_id}/facilitator")
    assert page.status_code == 200
    assert '<html lang="da">' in page.text
    # Not started yet: the lobby, the Start button, and the agenda from its first phase on.
    assert "Før start" in page.text
    assert '<button name="type" value="start" class="primary" >Start</button>' in page.text
    assert '<span class="title">Velkommen</span>' in page.text
    assert day1.join_code in page.text


def test_a_form_post_steers_the_workshop_and_redirects_back(
    client: TestClient, day1: WorkshopLinks, clock: FakeClock
) -> None:
    facilitator_client(client, day1)
    response = client.post(f"/w/{day1.workshop_id}/commands", data={"type": "start"})
    assert response.status_code == 303
    clock.advance(60)
    state = client.get(f"/w/{day1.workshop_id}/state").json()
    assert (state["status"], state["phase"], state["seq"]) == ("running", 0, 2)


def test_an_htmx_post_answers_with_the_live_fragment(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    response = client.post(
        f"/w/{day1.workshop_id}/commands", data={"type": "start"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.startswith('<section id="live" hx-swap-oob="true"')
    assert 'id="people"' in response.text and 'id="moderation"' in response.text


def test_json_commands_are_acknowledged_once_per_client_id(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    url = f"/w/{day1.workshop_id}/commands"
    first = client.post(url, json={"type": "start", "client_id": "abc"}).json()
    again = client.post(url, json={"type": "start", "client_id": "abc"}).json()
    assert first == {"ok": True, "seq": 2, "replayed": False}
    assert again == {"ok": True, "seq": 2, "replayed": True}


def test_a_refused_command_gets_a_danish_reason_and_changes_nothing(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    response = client.post(f"/w/{day1.workshop_id}/commands", json={"type": "next"})
    assert response.status_code == 409
    assert response.json()["code"] == "not_started"
    assert response.json()["error"] == "Workshoppen er ikke startet endnu."
    assert client.get(f"/w/{day1.workshop_id}/state").json()["seq"] == 0


def test_the_reason_follows_the_language_switch(client: TestClient, day1: WorkshopLinks) -> None:
    facilitator_client(client, day1)
    client.cookies.set("lang", "en")
    response = client.post(f"/w/{day1.workshop_id}/commands", json={"type": "next"})
    assert response.json()["error"] == "The workshop has not started yet."


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"type": "launch-missiles"}',
        b'{"type": "extend", "minutes": -5}',
        b'{"type": "start", "client_id": ""}',
        b'{"type": "start", "extra": 1}',
        b'{"type": "start", "client_id": "' + b"x" * 65 + b'"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"type": "start", "client_id": "a\\ud800"}',
    ],
)
def test_malformed_commands_are_refused_with_422_and_a_message(
    client: TestClient, day1: WorkshopLinks, body: bytes
) -> None:
    facilitator_client(client, day1)
    response = client.post(
        f"/w/{day1.workshop_id}/commands",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["ok"] is False and response.json()["error"]
    assert client.get(f"/w/{day1.workshop_id}/state").json()["seq"] == 0


def test_a_command_over_the_body_limit_is_413_and_changes_nothing(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    response = client.post(
        f"/w/{day1.workshop_id}/commands",
        content=b'{"type": "start", "padding": "' + b"x" * 20000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"ok": False, "error": "Beskeden er for stor."}
    assert client.get(f"/w/{day1.workshop_id}/state").json()["seq"] == 0


def test_commands_without_the_facilitator_token_are_forbidden(
    client: TestClient, day1: WorkshopLinks
) -> None:
    response = client.post(f"/w/{day1.workshop_id}/commands", json={"type": "start"})
    assert response.status_code == 403
    assert response.json()["error"] == "Det har du ikke adgang til."
    wrong = client.post(f"/w/{day1.workshop_id}/commands?token=guess", json={"type": "start"})
    assert wrong.status_code == 403


def test_an_unknown_workshop_is_a_translated_404_page(client: TestClient) -> None:
    response = client.get("/w/nope/facilitator?token=x")
    assert response.status_code == 404
    assert "Workshoppen blev ikke fundet." in response.text
    assert "Traceback" not in response.text


def test_the_projector_token_reads_state_but_cannot_steer(
    client: TestClient, day1: WorkshopLinks
) -> None:
    token = day1.projector.split("token=")[1]
    state = client.get(f"/w/{day1.workshop_id}/state?token={token}")
    assert state.status_code == 200
    steer = client.post(f"/w/{day1.workshop_id}/commands?token={token}", json={"type": "start"})
    assert steer.status_code == 403


def test_the_websocket_pushes_the_new_agenda_view_after_each_change(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws") as socket:
        clock = socket.receive_json()
        assert clock["type"] == "clock" and clock["now"]
        first = socket.receive_text()
        assert 'id="live"' in first and 'id="people"' in first
        client.post(f"/w/{day1.workshop_id}/commands", json={"type": "start"})
        pushed = socket.receive_text()
        assert "Fase 1 af" in pushed


def test_a_websocket_without_a_token_is_closed(client: TestClient, day1: WorkshopLinks) -> None:
    from starlette.websockets import WebSocketDisconnect

    url = f"/w/{day1.workshop_id}/ws"
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(url) as socket:
        socket.receive_text()
    assert closed.value.code == 4403


def test_a_participant_downloads_their_data_and_the_facilitator_can_anonymise_them(
    client: TestClient, day1: WorkshopLinks
) -> None:
    joined = client.post(f"/join/{day1.join_code}", json={"name": "Anna", "department": "miljo"})
    token = joined.json()["token"]
    mine = client.get(f"/w/{day1.workshop_id}/my-data?token={token}")
    assert mine.status_code == 200 and mine.json()["people"][0]["name"] == "Anna"
    client.cookies.clear()
    participant = joined.json()["participant"]
    facilitator_client(client, day1)
    erased = client.post(f"/w/{day1.workshop_id}/anonymise/{participant}", json={})
    assert erased.json() == {"ok": True, "workshops": [day1.workshop_id]}
    client.cookies.clear()
    gone = client.get(f"/w/{day1.workshop_id}/my-data?token={token}")
    assert gone.status_code == 403


def test_only_the_facilitator_may_anonymise(client: TestClient, day1: WorkshopLinks) -> None:
    joined = client.post(f"/join/{day1.join_code}", json={"name": "Bo", "department": "miljo"})
    answer = joined.json()
    response = client.post(
        f"/w/{day1.workshop_id}/anonymise/{answer['participant']}?token={answer['token']}", json={}
    )
    assert response.status_code == 403


def test_a_facilitator_cannot_anonymise_someone_from_another_programme(
    client: TestClient, day1: WorkshopLinks, sqlite_url: str, programme: Programme, clock: FakeClock
) -> None:
    engine = make_engine(sqlite_url)
    other = create_programme(engine, programme, clock=clock, base_url="")[1]
    engine.dispose()
    stranger = client.post(f"/join/{other.join_code}", json={"name": "Ulla", "department": "miljo"})
    client.cookies.clear()
    facilitator_client(client, day1)
    response = client.post(
        f"/w/{day1.workshop_id}/anonymise/{stranger.json()['participant']}", json={}
    )
    assert response.status_code == 404
    mine = client.get(f"/w/{other.workshop_id}/my-data?token={stranger.json()['token']}")
    assert mine.json()["people"][0]["name"] == "Ulla"


def test_joining_twice_from_the_same_phone_is_the_same_person(
    client: TestClient, day1: WorkshopLinks
) -> None:
    first = client.post(f"/join/{day1.join_code}", json={"name": "Ida", "department": "miljo"})
    again = client.post(f"/join/{day1.join_code}", json={"name": "Ida", "department": "miljo"})
    assert again.json()["participant"] == first.json()["participant"]
    assert again.json()["replayed"] is True
    form = client.post(f"/join/{day1.join_code}", data={"name": "Ida", "department": "miljo"})
    assert form.status_code == 303 and form.headers["location"].endswith("/me")


def test_the_served_app_sets_what_it_loaded_aside_from_the_garbage_collector(
    tmp_path: Path,
) -> None:
    # In a process of its own, as uvicorn imports it: freezing is process-wide.
    probe = "import gc, facilitator.web.asgi; print(gc.get_freeze_count())"
    environment = {**os.environ, "FACILITATOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(done.stdout) > 50_000  # modules, models and templates: out of every collection


def test_the_websocket_sends_only_the_fragments_that_changed(
    client: TestClient, day1: WorkshopLinks
) -> None:
    commands = in_group_work(client, day1)
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws") as socket:
        assert socket.receive_json()["type"] == "clock"
        first = socket.receive_text()  # a page that just connected gets every fragment
        ids = re.findall(r'<[a-z]+ id="([a-z-]+)"[^>]*hx-swap-oob', first)
        assert {"live", "people", "moderation", "stage"} <= set(ids)
        client.post(commands, json={"type": "post_idea", "text": "Kortere svartider"})
        pushed = socket.receive_text()
        assert "Kortere svartider" in pushed
        sent = re.findall(r'<[a-z]+ id="([a-z-]+)"[^>]*hx-swap-oob', pushed)
        assert "people" not in sent  # the people did not change
        assert len(pushed) < len(first) / 2


def test_a_post_sends_the_console_the_boards_head_and_the_section_it_landed_in(
    client: TestClient, day1: WorkshopLinks
) -> None:
    commands = in_group_work(client, day1)
    client.post(commands, json={"type": "create_theme", "name": "Svartider"})
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws") as socket:
        assert socket.receive_json()["type"] == "clock"
        assert 'id="moderation"' in socket.receive_text()  # first, the whole board
        client.post(commands, json={"type": "post_idea", "text": "Kortere svartider"})
        pushed = socket.receive_text()
    # Elements the page swaps by id: the head (its count), its bar (the count of no theme's
    # ideas) and the section the idea landed in.
    assert top_ids(pushed) == ["board-head", "theme-bar", "section-none"]
    assert "Kortere svartider" in pushed and "Svartider</h3>" not in pushed  # not its section


def test_a_card_moved_to_another_theme_sends_the_console_its_board_whole(
    client: TestClient, day1: WorkshopLinks
) -> None:
    commands = in_group_work(client, day1)
    client.post(commands, json={"type": "create_theme", "name": "Svartider"})
    client.post(commands, json={"type": "post_idea", "text": "Kortere svartider"})
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws") as socket:
        assert socket.receive_json()["type"] == "clock"
        board = socket.receive_text()
        idea = re.findall(r'<li id="mod-([^"]+)"', board)[0]
        theme = next(t for t in re.findall(r'<section id="section-([^"]+)"', board) if t != "none")
        client.post(commands, json={"type": "assign_theme", "idea": idea, "theme": theme})
        pushed = socket.receive_text()
    # The card left one section for another: sent as two parts, the page would morph each
    # alone and make the card anew (a ticked box lost); the whole board is one morph.
    assert "moderation" in top_ids(pushed)
    assert f'id="section-{theme}"' in pushed and 'id="section-none"' in pushed


def test_a_post_sends_the_wall_its_count_and_the_column_the_idea_joined(
    client: TestClient, day1: WorkshopLinks
) -> None:
    commands = in_group_work(client, day1)
    for n in range(7):  # no groups formed: three plain columns, an idea dealt to each in turn
        client.post(commands, json={"type": "post_idea", "text": f"Idé {n}"})
    token = day1.projector.split("token=")[1]
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws?token={token}") as socket:
        assert socket.receive_json()["type"] == "clock"
        first = socket.receive_text()
        assert top_ids(first) == ["projector"]
        assert re.findall(r'<section id="(column-[^"]+)"', first) == [
            "column-flow1", "column-flow2", "column-flow3",
        ]  # fmt: skip
        client.post(commands, json={"type": "post_idea", "text": "Idé 7"})
        pushed = socket.receive_text()
    # The eighth idea joins the second column; the others, and the wall around them, stay.
    # (The head comes too when its clock's figure moved on meanwhile.)
    assert set(top_ids(pushed)) - {"wall-head"} == {"wall-count", "column-flow2"}
    assert "Idé 7" in pushed and "Idé 0" not in pushed


def test_a_hello_on_a_page_socket_gets_every_fragment_again(
    client: TestClient, day1: WorkshopLinks
) -> None:
    facilitator_client(client, day1)
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws") as socket:
        assert socket.receive_json()["type"] == "clock"
        first = socket.receive_text()
        socket.send_json({"type": "hello"})
        assert socket.receive_text() == first  # nothing changed, and yet all of it


def test_a_phones_personal_part_is_sent_again_only_when_it_changed(
    client: TestClient, day1: WorkshopLinks
) -> None:
    commands = in_group_work(client, day1)
    anna = client.post(f"/join/{day1.join_code}", json={"name": "Anna", "department": "miljo"})
    with client.websocket_connect(f"/w/{day1.workshop_id}/ws?token={anna.json()['token']}") as ws:
        assert ws.receive_json()["type"] == "clock"
        assert ws.receive_text().startswith("<")
        assert ws.receive_json()["type"] == "mine"
        client.post(commands, json={"type": "post_idea", "text": "Kortere svartider"})
        assert "Kortere svartider" in ws.receive_text()
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}  # Anna's part did not change: no "mine"
        ws.send_json({"type": "post_idea", "text": "Færre skemaer", "client_id": "a1"})
        answers = [ws.receive_text() for _ in range(3)]  # her board, her "mine", the ack
        messages = [json.loads(a) for a in answers if a.startswith("{")]
        mine = next(m for m in messages if m["type"] == "mine")
        assert len(mine["ideas"]) == 1


def test_a_verdict_sends_the_leaders_the_entry_and_the_counts_not_the_whole_catalogue(
    client: TestClient, links: list[WorkshopLinks], programme: Programme
) -> None:
    day1, leaders = links[1], links[2]

    def facilitate(link: WorkshopLinks, *commands: dict[str, object]) -> None:
        client.get(link.facilitator)
        for command in commands:
            answer = client.post(f"/w/{link.workshop_id}/commands", json=command)
            assert answer.status_code == 200, answer.text

    def phase(workshop: str, key: str) -> int:
        phases = programme.workshop(workshop).agenda.phases
        return next(i for i, p in enumerate(phases) if p.key == key)

    ideas: list[dict[str, object]] = [
        {"type": "post_idea", "text": f"Forslag {n}"} for n in range(6)
    ]
    work = {"type": "jump", "phase": phase("staff-day-1", "needs-and-offers")}
    facilitate(day1, {"type": "start"}, work, *ideas, {"type": "end"})
    triage = {"type": "jump", "phase": phase("leaders-catalogue", "one-by-one")}
    facilitate(leaders, {"type": "start"}, triage)
    joined = client.post(
        f"/join/{leaders.leader_code}", json={"name": "Lea", "department": "miljo"}
    )
    token = joined.json()["token"]
    with client.websocket_connect(f"/w/{leaders.workshop_id}/ws?token={token}") as socket:
        assert socket.receive_json()["type"] == "clock"
        first = socket.receive_text()
        assert first.count('class="entry triage-entry') == 6
        assert socket.receive_json()["type"] == "mine"
        entry = re.findall(r'<li id="entry-[^"]+"[^>]*data-entry="([^"]+)"', first)[2]
        socket.send_json(
            {"type": "triage", "entry": entry, "field": "verdict", "value": "start_now",
             "client_id": "verdict-1"}
        )  # fmt: skip
        got = [socket.receive_text() for _ in range(2)]
    pushed = next(text for text in got if text.startswith("<"))
    assert json.loads(next(text for text in got if not text.startswith("<")))["type"] == "ack"
    slug = entry.replace(":", "-")
    assert set(top_ids(pushed)) == {"triage-progress", "triage-filter", f"entry-{slug}"}
    assert pushed.count('class="entry triage-entry') == 1 and "1 af 6" in pushed
