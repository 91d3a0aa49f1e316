"""`facilitator links` prints a fresh one-time link into the home page and every programme's
links and codes again; `facilitator serve` makes the first link at its first start."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facilitator.cli import _first_home_link, main
from facilitator.settings import Settings
from facilitator.store import home
from facilitator.store.db import make_engine, session_scope
from facilitator.store.migrate import upgrade


def test_links_prints_a_new_sign_in_link_and_every_link_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/f.db"
    assert main(["demo", "--json", "--database-url", url]) == 0
    demo = json.loads(capsys.readouterr().out)
    common = ["--database-url", url, "--public-url", "http://laptop:8000"]
    assert main(["links", "--json", *common]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["home"].startswith("http://laptop:8000/home/login/")
    (programme,) = printed["programmes"]
    assert programme["programme"] == "solrod-service-2026"
    codes = [w["join_code"] for w in programme["workshops"]]
    assert codes == [w["join_code"] for w in demo["workshops"]]
    first = programme["workshops"][0]
    assert first["leader"] == f"http://laptop:8000/join/{first['leader_code']}"
    assert first["status"] == "lobby"
    # Each run makes a new link, and each works once.
    assert main(["links", *common, programme["id"]]) == 0
    text = capsys.readouterr().out
    assert "leader code" in text and "projector:" in text
    assert text.split("/home/login/")[1].split()[0] != printed["home"].rsplit("/", 1)[1]
    engine = make_engine(url)
    with session_scope(engine) as session:
        secret = printed["home"].rsplit("/", 1)[1]
        assert home.spend(session, secret=secret, now=_now()) is not None
        assert home.spend(session, secret=secret, now=_now()) is None
    engine.dispose()


def test_links_for_an_unknown_programme_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["links", "nope", "--database-url", f"sqlite:///{tmp_path}/f.db"]) == 1
    assert capsys.readouterr().err.strip() == "facilitator: error: no programme 'nope'"


def test_the_first_start_prints_the_first_link_and_later_starts_do_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/f.db", public_url="http://laptop:8000")
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    _first_home_link(engine, settings)
    first = capsys.readouterr().err
    assert "http://laptop:8000/home/login/" in first and "works once" in first
    _first_home_link(engine, settings)
    later = capsys.readouterr().err
    assert "/home/login/" not in later and "facilitator links" in later
    engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)
