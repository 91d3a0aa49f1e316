"""The command line: one line per problem, exit status 1 on failure, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.paths import AGENDAS


def test_agendas_check_passes_on_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agendas", "check", *map(str, sorted(AGENDAS.glob("*.yaml")))]) == 0
    assert "5 file(s) OK" in capsys.readouterr().out


def test_agendas_check_reports_file_and_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "staff-day-1.yaml"
    text = (AGENDAS / "staff-day-1.yaml").read_text()
    broken.write_text(text.replace("kind: vote", "kind: voting", 1))
    line = next(n for n, row in enumerate(broken.read_text().splitlines(), 1) if "voting" in row)
    assert main(["agendas", "check", str(broken)]) == 1
    out = capsys.readouterr()
    assert f"{broken}:{line}:" in out.out
    assert "voting" in out.out
    assert "Traceback" not in out.out + out.err


def test_agendas_check_of_a_missing_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agendas", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml" in capsys.readouterr().out


def test_demo_creates_the_programme_and_prints_links_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    args = ["demo", "--json", "--database-url", url, "--public-url", "http://laptop:8000"]
    assert main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    keys = [w["key"] for w in printed["workshops"]]
    assert keys == ["leaders-kickoff", "staff-day-1", "leaders-catalogue", "staff-day-2"]
    first = printed["workshops"][0]
    assert first["facilitator"].startswith(f"http://laptop:8000/w/{first['workshop_id']}/")
    assert first["participant"] == f"http://laptop:8000/join/{first['join_code']}"


def test_demo_prints_readable_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--database-url", f"sqlite:///{tmp_path}/demo.db"]) == 0
    out = capsys.readouterr().out
    assert out.count("facilitator: http") == 4


def test_a_database_that_cannot_be_opened_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["demo", "--database-url", f"sqlite:///{blocker}/sub/x.db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("facilitator: error:") and len(err.strip().splitlines()) == 1


def test_a_read_only_database_refuses_with_one_line_and_keeps_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "ro.db"
    assert main(["demo", "--json", "--database-url", f"sqlite:///{database}"]) == 0
    capsys.readouterr()
    before = _workshop_ids(database)
    # SQLite's own read-only mode: refused writes even for root, unlike file permissions.
    read_only = f"sqlite:///file:{database}?mode=ro&uri=true"
    assert main(["demo", "--json", "--database-url", read_only]) == 1
    err = capsys.readouterr().err
    assert err.startswith("facilitator: error:") and len(err.strip().splitlines()) == 1
    assert "readonly" in err or "read-only" in err
    assert _workshop_ids(database) == before and len(before) == 4


def _workshop_ids(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM workshop ORDER BY id")]


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_export_of_an_unknown_workshop_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    assert main(["export", "nope", "--database-url", url]) == 1
    assert capsys.readouterr().err.strip() == "facilitator: error: no workshop or programme 'nope'"


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx", "html"])
def test_export_writes_each_format_for_a_programme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    assert main(["demo", "--json", "--database-url", url]) == 0
    programme = json.loads(capsys.readouterr().out)["programme"]
    out = tmp_path / f"catalogue.{fmt}"
    assert main(["export", programme, "--format", fmt, "-o", str(out), "--database-url", url]) == 0
    assert out.stat().st_size > 0


def test_listening_everywhere_without_a_public_url_links_to_the_laptops_lan_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from facilitator import network
    from facilitator.cli import _with_room_address
    from facilitator.settings import Settings

    monkeypatch.setattr(network, "lan_address", lambda: "192.168.1.20")
    monkeypatch.delenv("FACILITATOR_PUBLIC_URL", raising=False)
    monkeypatch.setenv("FACILITATOR_HOST", "0.0.0.0")
    monkeypatch.setenv("FACILITATOR_PORT", "8123")
    settings = _with_room_address(Settings())
    assert settings.base_url() == "http://192.168.1.20:8123"  # never http://0.0.0.0:8123
    monkeypatch.setenv("FACILITATOR_PUBLIC_URL", "https://workshop.example")
    assert _with_room_address(Settings()).base_url() == "https://workshop.example"


def test_python_m_facilitator_is_the_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "facilitator", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("serve", "agendas", "export", "anonymise", "demo"):
        assert command in done.stdout
