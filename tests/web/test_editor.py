"""The agenda editor through the app: the form's buttons, the checks of `agendas check` beside
the phases, saving as a revision (never over another's unknowingly, never a phase that ran),
and YAML files that go out and come back."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Agenda
from facilitator.agenda.files import agenda_yaml, check_files, load_agenda, load_programme
from facilitator.paths import AGENDAS
from facilitator.store.db import make_engine, session_scope
from facilitator.store.programmes import WorkshopLinks
from facilitator.store.workshops import agenda_of, get_workshop


class FormReader(HTMLParser):
    """What a browser posts for the editor's form (no JavaScript): every named field."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "editor":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and "name" in a and a.get("type") not in ("file", "submit"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append(
                (a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select" and "name" in a:
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and "name" in a:
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_of(html: str) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def changed(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _ in fields), name
    return [(n, value if n == name else v) for n, v in fields]


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Repeated names (``card``) as lists, in order: how httpx posts a form."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def post(client: TestClient, wid: str, fields: list[tuple[str, str]], op: str) -> Any:
    return client.post(f"/w/{wid}/agenda", data=as_data([*fields, ("op", op)]))


def upload(
    client: TestClient, wid: str, fields: list[tuple[str, str]], name: str, content: bytes
) -> Any:
    return client.post(
        f"/w/{wid}/agenda",
        data=as_data([*fields, ("op", "upload")]),
        files={"file": (name, content, "application/yaml")},
    )


def headings(html: str) -> list[str]:
    return re.findall(
        r'<h3 id="[a-z0-9]+-heading"><span class="number">\d+\.</span> ([^<]+)</h3>', html
    )


def cards(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="card" value="([a-z0-9]+)">', html)


@pytest.fixture
def editing(client: TestClient, day1: WorkshopLinks) -> tuple[TestClient, str]:
    client.get(day1.facilitator)  # the facilitator's cookie for this workshop
    return client, day1.workshop_id


def saved_agenda(sqlite_url: str, wid: str) -> Agenda:
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        row = get_workshop(session, workshop_id=wid)
        assert row is not None
        found = agenda_of(row)
    engine.dispose()
    return found


def test_only_the_facilitator_edits(client: TestClient, day1: WorkshopLinks) -> None:
    assert client.get(f"/w/{day1.workshop_id}/agenda").status_code == 403
    assert client.post(f"/w/{day1.workshop_id}/agenda", data={"op": "check"}).status_code == 403
    assert client.get(f"/w/{'0' * 32}/agenda").status_code == 404


def test_the_editor_shows_every_phase_with_its_times_and_no_problems(
    editing: tuple[TestClient, str], programme: Any
) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda")
    assert page.status_code == 200
    agenda = programme.workshop("staff-day-1").agenda
    assert headings(page.text) == [p.title.da for p in agenda.phases]
    assert "Kontrollen fandt ingen problemer" in page.text
    assert "0:00–0:15" in page.text  # no start yet: times from the start of the day
    assert "I alt: 6 t. 35 min." in page.text and "af 8 t." in page.text


def test_the_buttons_move_copy_remove_and_add_phases(editing: tuple[TestClient, str]) -> None:
    client, wid = editing
    fields = form_of(client.get(f"/w/{wid}/agenda").text)
    ids = cards(client.get(f"/w/{wid}/agenda").text)
    before = headings(client.get(f"/w/{wid}/agenda").text)
    down = post(client, wid, fields, f"down:{ids[0]}")
    assert down.status_code == 200
    assert headings(down.text)[:2] == [before[1], before[0]]
    assert f'id="{ids[0]}-down" class="small" data-op data-move="down" autofocus' in down.text
    assert "0:00–0:10" in down.text  # the pulse (10 min) now opens the day
    copied = post(client, wid, form_of(down.text), f"copy:{ids[0]}")
    assert headings(copied.text).count(before[0]) == 2
    assert "welcome-2" in copied.text
    removed = post(client, wid, form_of(copied.text), f"remove:{ids[1]}")
    assert before[1] not in headings(removed.text)
    added = post(client, wid, [*form_of(removed.text), ("new_kind", "poll")], "add")
    assert headings(added.text)[-1] == "Spørgsmål til salen"
    assert "Kontrollen fandt ingen problemer" in added.text  # a new phase starts valid


def test_a_problem_is_shown_beside_its_phase_in_the_checkers_words(
    editing: tuple[TestClient, str],
) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    first = cards(page)[0]
    broken = changed(form_of(page), f"{first}.minutes", "500")
    checked = post(client, wid, broken, "check")
    assert checked.status_code == 200
    message = "phase 'welcome': minutes must be at most 240, got 500"
    assert (
        f'<ul class="problems card-problems" id="{first}-problems" lang="en"><li>{message}</li>'
        in html.unescape(checked.text)
    )
    assert "staff-day-1.yaml:" in checked.text and "Kontrollen fandt 2 problemer" in checked.text
    not_saved = post(client, wid, broken, "save")
    assert not_saved.status_code == 422 and "Ikke gemt" in not_saved.text
    download = post(client, wid, broken, "download")
    assert download.status_code == 422


def test_the_editor_checks_as_agendas_check_does(
    editing: tuple[TestClient, str], tmp_path: Path
) -> None:
    """The same messages for the same mistake: the editor's and the command line's."""
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    ids = cards(page)
    vote = next(c for c in ids if f'name="{c}.votes_per_person"' in page)
    broken = changed(form_of(page), f"{vote}.board", "nowhere")
    checked = html.unescape(post(client, wid, broken, "check").text)
    shown = set(re.findall(r"<li><code>staff-day-1\.yaml:\d+: ([^<]+)</code></li>", checked))
    # The command line, on the programme with that agenda file changed the same way.
    for name in (
        "solrod-programme.yaml",
        "leaders-kickoff.yaml",
        "leaders-catalogue.yaml",
        "staff-day-2.yaml",
    ):
        (tmp_path / name).write_text((AGENDAS / name).read_text())
    original = (AGENDAS / "staff-day-1.yaml").read_text()
    (tmp_path / "staff-day-1.yaml").write_text(
        original.replace("board: proposals\n    votes", "board: nowhere\n    votes")
    )
    cli = {p.message for p in check_files([tmp_path / "solrod-programme.yaml"])}
    assert shown and shown == cli, (shown, cli)
    assert (
        "phase 'proposals-vote': uses board 'nowhere' before any earlier phase creates it"
        in " ".join(shown)
    )


def test_saving_revises_the_agenda_and_a_stale_save_is_shown_the_other_change(
    editing: tuple[TestClient, str], sqlite_url: str
) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    mine, theirs = form_of(client.get(f"/w/{wid}/agenda").text), form_of(page)
    first = cards(page)[0]
    theirs = changed(theirs, f"{first}.minutes", "25")
    saved = post(client, wid, theirs, "save")
    assert saved.status_code == 303 and saved.headers["location"] == f"/w/{wid}/agenda?saved=1"
    assert "Gemt: version 1." in client.get(saved.headers["location"]).text
    assert saved_agenda(sqlite_url, wid).phases[0].minutes == 25
    # The second facilitator, from the page they opened before: told, shown, not applied.
    mine = changed(mine, f"{first}.title.da", "Godmorgen")
    stale = post(client, wid, mine, "save")
    assert stale.status_code == 409
    assert "En anden har gemt dagsordenen (version 1)" in stale.text
    assert "Gemt af en anden: version 1" in stale.text and "afviger fra din" in stale.text
    assert 'value="Godmorgen"' in stale.text  # their draft is kept
    assert saved_agenda(sqlite_url, wid).phases[0].title.da == "Velkommen"
    # Saved again, knowingly, over version 1.
    again = post(client, wid, form_of(stale.text), "save")
    assert again.status_code == 303
    assert saved_agenda(sqlite_url, wid).phases[0].title.da == "Godmorgen"


def test_while_it_runs_the_phases_that_ran_stay(
    editing: tuple[TestClient, str], sqlite_url: str
) -> None:
    client, wid = editing
    before_start = client.get(f"/w/{wid}/agenda").text  # opened in the lobby
    assert client.post(f"/w/{wid}/commands", json={"type": "start"}).status_code == 200
    assert client.post(f"/w/{wid}/commands", json={"type": "next"}).status_code == 200
    page = client.get(f"/w/{wid}/agenda").text
    assert "Afviklet eller i gang" in page and 'name="locked" value="2"' in page
    assert len(cards(page)) == len(saved_agenda(sqlite_url, wid).phases) - 2
    # Saved from the page opened before the start, a change to the running phase is refused.
    running = cards(before_start)[1]
    stale = changed(form_of(before_start), f"{running}.minutes", "20")
    refused = post(client, wid, stale, "save")
    assert refused.status_code == 409, re.findall(r'role="alert"[^>]*>([^<]*)', refused.text)
    assert "Fase 2 er afviklet eller i gang, så den kan ikke ændres eller flyttes." in refused.text
    assert saved_agenda(sqlite_url, wid).phases[1].minutes == 10
    # What is to come can change: journaled as agenda_revised, and the day runs on.
    upcoming = cards(page)[0]
    fields = changed(form_of(page), f"{upcoming}.minutes", "5")
    assert post(client, wid, fields, "save").status_code == 303
    assert saved_agenda(sqlite_url, wid).phases[2].minutes == 5
    assert client.post(f"/w/{wid}/commands", json={"type": "next"}).status_code == 200
    state = client.get(f"/w/{wid}/state").json()
    assert (state["phase"], state["time_left"]) == (2, 300.0)


def test_a_downloaded_file_passes_the_checks_and_loads_to_the_same_agenda(
    editing: tuple[TestClient, str], tmp_path: Path, programme: Any
) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    download = post(client, wid, form_of(page), "download")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="staff-day-1.yaml"'
    path = tmp_path / "staff-day-1.yaml"
    path.write_bytes(download.content)
    assert check_files([path]) == []
    expected = programme.workshop("staff-day-1").agenda.model_copy(update={"pulse": None})
    assert load_agenda(path) == expected
    saved = client.get(f"/w/{wid}/agenda.yaml")
    assert saved.status_code == 200 and saved.content == download.content


def test_an_upload_with_errors_is_refused_with_its_lines_and_saves_nothing(
    editing: tuple[TestClient, str], sqlite_url: str
) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    before = saved_agenda(sqlite_url, wid)
    text = (AGENDAS / "staff-day-1.yaml").read_text().replace("minutes: 15", "minutes: fifteen", 1)
    refused = upload(client, wid, form_of(page), "mine.yaml", text.encode())
    assert refused.status_code == 422
    assert "Filen blev ikke indlæst, og intet blev gemt" in refused.text
    assert re.search(
        r"<code>mine\.yaml:15: phase 'welcome': minutes must be a whole number, got 'fifteen'",
        html.unescape(refused.text),
    )
    assert saved_agenda(sqlite_url, wid) == before
    nothing = post(client, wid, form_of(page), "upload")
    assert nothing.status_code == 422


def test_a_good_upload_is_saved(editing: tuple[TestClient, str], sqlite_url: str) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    agenda = saved_agenda(sqlite_url, wid)
    shorter = agenda.model_copy(update={"phases": agenda.phases[:-1], "pulse": None})
    uploaded = upload(client, wid, form_of(page), "day.yaml", agenda_yaml(shorter).encode())
    assert uploaded.status_code == 303, uploaded.text
    now = saved_agenda(sqlite_url, wid)
    assert len(now.phases) == len(agenda.phases) - 1 and now.pulse == agenda.pulse


def test_the_start_time_gives_clock_times(editing: tuple[TestClient, str]) -> None:
    client, wid = editing
    page = client.get(f"/w/{wid}/agenda").text
    fields = changed(changed(form_of(page), "date", "2027-01-12"), "time", "08:30")
    checked = post(client, wid, fields, "check")
    assert "08.30–08.45" in checked.text
    saved = post(client, wid, fields, "save")
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=start")


def test_an_ended_workshop_is_read_only(editing: tuple[TestClient, str]) -> None:
    client, wid = editing
    for command in ("start", "end"):
        assert client.post(f"/w/{wid}/commands", json={"type": command}).status_code == 200
    page = client.get(f"/w/{wid}/agenda")
    assert "Workshoppen er slut" in page.text and cards(page.text) == []
    assert client.post(f"/w/{wid}/agenda", data={"op": "save"}).status_code == 303


def test_every_setting_of_every_kind_has_a_widget() -> None:
    from facilitator.agenda import PHASE_SETTINGS
    from facilitator.web.editor_form import LABELS, WIDGETS

    for kind, names in PHASE_SETTINGS.items():
        for name in names:
            assert name in WIDGETS, (kind, name)
            assert name in LABELS or name == "kind", (kind, name)


def test_every_shipped_agenda_goes_through_the_form_unchanged(
    client: TestClient, links: list[WorkshopLinks]
) -> None:
    """Read into the form and posted back, each agenda is what it was (its own round trip)."""
    programme = load_programme(AGENDAS / "solrod-programme.yaml")
    for link, spec in zip(links, programme.workshops, strict=True):
        client.get(link.facilitator)
        page = client.get(f"/w/{link.workshop_id}/agenda").text
        download = post(client, link.workshop_id, form_of(page), "download")
        assert download.status_code == 200, spec.key
        assert agenda_yaml(spec.agenda) in download.text, spec.key
