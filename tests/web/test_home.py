"""The facilitator's home page: signing in with a one-time link, and every programme made and
kept in the browser. A wrong or missing secret always gets the sign-in page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facilitator.settings import Settings
from facilitator.store import home, programmes
from facilitator.store.db import make_engine, session_scope
from facilitator.store.migrate import upgrade
from facilitator.web.app import create_app
from facilitator.web.home_session import COOKIE
from tests.support import FakeClock

SOLROD = "Erhvervsvenlig servicekultur i Solrød Kommune"


def new_link(url: str, clock: FakeClock) -> str:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        secret = home.new_link(session, now=clock())
    engine.dispose()
    return secret


def sign_in(client: TestClient, url: str, clock: FakeClock) -> None:
    response = client.post(f"/home/login/{new_link(url, clock)}")
    assert response.status_code == 303 and response.headers["location"] == "/home"


@pytest.fixture
def app_client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path, public_url="http://room:8000")
    with TestClient(create_app(settings, clock=clock), follow_redirects=False) as client:
        yield client


@pytest.fixture
def signed_in(app_client: TestClient, sqlite_url: str, clock: FakeClock) -> TestClient:
    sign_in(app_client, sqlite_url, clock)
    return app_client


def create(client: TestClient, template: str = "solrod") -> str:
    response = client.post("/home/programmes", data={"template": template})
    assert response.status_code == 303, response.text
    found = re.search(r"#programme-([0-9a-f]{32})", response.headers["location"])
    assert found is not None
    return found[1]


def workshop_ids(html: str) -> list[str]:
    return re.findall(r'<li class="workshop[^"]*" id="workshop-([0-9a-f]{32})"', html)


# --- the secret -------------------------------------------------------------------------


def test_without_the_secret_there_is_only_the_sign_in_page(
    app_client: TestClient, signed_in: TestClient
) -> None:
    create(signed_in)
    app_client.cookies.clear()
    page = app_client.get("/home")
    assert page.status_code == 200 and "Log ind" in page.text
    assert SOLROD not in page.text and "NSAR" not in page.text
    app_client.cookies.set(COOKIE, "x" * 43)
    wrong = app_client.get("/home")
    assert "Log ind" in wrong.text and SOLROD not in wrong.text
    for path in ("/home/programmes", "/home/logout"):
        refused = app_client.post(path, data={"template": "solrod"})
        if path == "/home/programmes":
            assert refused.status_code == 403 and SOLROD not in refused.text
    assert app_client.get("/home/login/not-a-link-we-made-ever").status_code == 410


def test_a_sign_in_link_works_once_and_sets_a_strict_cookie(
    app_client: TestClient, sqlite_url: str, clock: FakeClock
) -> None:
    secret = new_link(sqlite_url, clock)
    preview = app_client.get(f"/home/login/{secret}")  # a link preview spends nothing
    assert preview.status_code == 200 and f'action="/home/login/{secret}"' in preview.text
    spent = app_client.post(f"/home/login/{secret}")
    assert spent.status_code == 303
    cookie = spent.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower() and secret not in cookie
    assert "Nyt forløb" in app_client.get("/home").text
    app_client.cookies.clear()
    again = app_client.post(f"/home/login/{secret}")
    assert again.status_code == 403 and "brugt eller udløbet" in again.text
    assert app_client.get(f"/home/login/{secret}").status_code == 410


def test_a_pasted_link_signs_in_and_signing_out_ends_it(
    app_client: TestClient, sqlite_url: str, clock: FakeClock
) -> None:
    secret = new_link(sqlite_url, clock)
    pasted = app_client.post("/home/login", data={"link": f"http://room:8000/home/login/{secret}/"})
    assert pasted.status_code == 303
    assert app_client.post("/home/logout").status_code == 303
    assert "Log ind" in app_client.get("/home").text


# --- programmes ---------------------------------------------------------------------------


def test_a_programme_made_from_the_template_lists_every_workshop(signed_in: TestClient) -> None:
    create(signed_in)
    page = signed_in.get("/home")
    assert SOLROD in page.text
    ids = workshop_ids(page.text)
    assert len(ids) == 4
    for label in ("Planlagt", "Deltagerkode", "Lederkode", "Gæstekode", "<svg"):
        assert label in page.text
    for wid in ids:
        assert f"/w/{wid}/agenda" in page.text and f"/w/{wid}/export.csv" in page.text
        assert f"http://room:8000/w/{wid}/facilitator?token=" in page.text
    assert "http://room:8000/join/" in page.text
    # The signed-in browser is the facilitator of every workshop: the exports open.
    assert signed_in.get(f"/w/{ids[1]}/export.csv").status_code == 200
    assert signed_in.get(f"/w/{ids[1]}/board.xlsx").status_code == 200


def test_a_blank_programme_grows_workshop_by_workshop(signed_in: TestClient) -> None:
    programme_id = create(signed_in, "blank")
    assert len(workshop_ids(signed_in.get("/home").text)) == 1
    added = signed_in.post(f"/home/programmes/{programme_id}/workshops")
    assert added.status_code == 303
    assert "Workshop 2" in signed_in.get("/home").text
    assert signed_in.post("/home/programmes", data={"template": "nope"}).status_code == 422


def test_rename_schedule_and_archive(signed_in: TestClient) -> None:
    programme_id = create(signed_in)
    renamed = signed_in.post(
        f"/home/programmes/{programme_id}/rename",
        data={"title_da": "Servicekultur", "title_en": "Service culture", "organisation": "Solrød"},
    )
    assert renamed.status_code == 303
    assert "Servicekultur" in signed_in.get("/home").text
    assert "Service culture" in signed_in.get("/home?lang=en").text
    signed_in.get("/home?lang=da")
    empty = signed_in.post(
        f"/home/programmes/{programme_id}/rename",
        data={"title_da": "", "title_en": "x", "organisation": "y"},
    )
    assert empty.status_code == 422
    wid = workshop_ids(signed_in.get("/home").text)[1]
    planned = signed_in.post(
        f"/home/workshops/{wid}/schedule", data={"date": "2027-01-12", "time": "08:30"}
    )
    assert planned.status_code == 303
    page = signed_in.get("/home").text
    assert 'value="2027-01-12"' in page and 'value="08:30"' in page
    bad = signed_in.post(f"/home/workshops/{wid}/schedule", data={"date": "12/1", "time": "x"})
    assert bad.status_code == 422 and "2026-11-23" in bad.text
    archived = signed_in.post(f"/home/programmes/{programme_id}/archive", data={"archived": "yes"})
    assert archived.status_code == 303
    assert "Arkiverede forløb" in signed_in.get("/home").text


def test_deleting_asks_first_and_is_refused_while_a_workshop_runs(
    signed_in: TestClient, sqlite_url: str
) -> None:
    programme_id = create(signed_in)
    wid = workshop_ids(signed_in.get("/home").text)[1]
    started = signed_in.post(f"/w/{wid}/commands", json={"type": "start"})
    assert started.status_code == 200, started.text
    asked = signed_in.get(f"/home/programmes/{programme_id}/delete")
    assert asked.status_code == 200 and "er i gang" in asked.text
    refused = signed_in.post(f"/home/programmes/{programme_id}/delete", data={"confirm": "yes"})
    assert refused.status_code == 409
    assert f'id="programme-{programme_id}"' in signed_in.get("/home").text
    assert signed_in.post(f"/w/{wid}/commands", json={"type": "end"}).status_code == 200
    asked = signed_in.get(f"/home/programmes/{programme_id}/delete")
    assert "Slet forløbet og dets data" in asked.text and "Medarbejderdag 1" in asked.text
    unconfirmed = signed_in.post(f"/home/programmes/{programme_id}/delete")
    assert unconfirmed.status_code == 200
    assert f'id="programme-{programme_id}"' in signed_in.get("/home").text
    deleted = signed_in.post(f"/home/programmes/{programme_id}/delete", data={"confirm": "yes"})
    assert deleted.status_code == 303
    assert f'id="programme-{programme_id}"' not in signed_in.get("/home").text
    assert signed_in.get(f"/w/{wid}/agenda").status_code == 404
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        assert programmes.programmes(session) == []
    engine.dispose()


def test_the_codes_for_the_room_and_the_report_print(signed_in: TestClient) -> None:
    programme_id = create(signed_in)
    page = signed_in.get("/home").text
    wid = workshop_ids(page)[1]
    code = re.findall(r'<dd class="code">([A-Z0-9]{6})</dd>', page)[3]  # day 1's join code
    one = signed_in.get(f"/home/workshops/{wid}/codes")
    assert one.status_code == 200 and code in one.text and "print.css" in one.text
    assert "<svg" in one.text and "Til lederne" in one.text
    everything = signed_in.get(f"/home/programmes/{programme_id}/codes")
    assert everything.text.count('class="room-codes"') == 4
    for lang, heading, workshop in (
        ("da", "Forløbsrapport", "Medarbejderdag 1"),
        ("en", "Programme report", "Staff day 1"),
    ):
        report = signed_in.get(f"/home/programmes/{programme_id}/report?lang={lang}")
        assert report.status_code == 200 and heading in report.text
        assert f'<html lang="{lang}">' in report.text and workshop in report.text


def test_unknown_programmes_and_workshops_are_not_found(signed_in: TestClient) -> None:
    assert signed_in.get(f"/home/programmes/{'0' * 32}/report").status_code == 404
    assert signed_in.get("/home/programmes/nope/codes").status_code == 404
    assert signed_in.post(f"/home/workshops/{'0' * 32}/schedule", data={}).status_code == 404
