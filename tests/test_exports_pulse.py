"""The exports of the plenum's questions and of the programme's service pulse, read from the
store: Danish Excel's CSV conventions, pseudonyms not names, and no answers below the minimum."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from facilitator import exports
from facilitator.agenda import Programme, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import COMMANDS, decide, fold
from facilitator.exports.gather import plenum_export, pulse_export
from facilitator.store import workshops
from facilitator.store.db import session_scope
from facilitator.store.programmes import create_programme
from facilitator.store.tables import Participant
from tests.support import FakeClock


def run(engine: Engine, workshop_id: str, actor: Actor, cid: str, **fields: Any) -> None:
    command = COMMANDS.validate_python(fields)
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        before = workshops.restore(session, workshop=row)
        events = decide(before, workshops.agenda_of(row), command, actor, row.created_at, cid)
        assert not isinstance(events, Refusal), events
        workshops.record(
            session.connection(),
            workshop_id=row.id,
            seq=row.seq,
            before=before,
            after=fold(before, events),
            events=events,
            actor=actor,
            client_id=cid,
            now=row.created_at,
        )
        if fields["type"] == "join":
            session.add(
                Participant(
                    id=cid,
                    workshop_id=row.id,
                    programme_id=row.programme_id,
                    name=fields["name"],
                    department=fields["department"],
                    role=actor.role.value,
                    token=f"t-{cid}",
                    created_at=row.created_at,
                )
            )


def jump(engine: Engine, programme: Programme, workshop_id: str, key: str) -> None:
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        keys = [p.key for p in workshops.agenda_of(row).phases]
        started = row.status != "lobby"
    if not started:
        run(engine, workshop_id, FACILITATOR, f"start-{workshop_id}", type="start")
    run(engine, workshop_id, FACILITATOR, f"jump-{key}", type="jump", phase=keys.index(key))
    del programme


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_plenum_export_lists_every_question_without_anonymous_askers_and_the_roles(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    day1 = create_programme(engine, programme, clock=clock, base_url="")[1].workshop_id
    anna, gitte = Actor(Role.PARTICIPANT, "anna"), Actor(Role.GUEST, "gitte")
    run(engine, day1, anna, "anna", type="join", name="Anna Hansen", department="miljo")
    run(engine, day1, gitte, "gitte", type="join", name="Gitte Bager", department="")
    jump(engine, programme, day1, "business-voices")
    run(engine, day1, FACILITATOR, "sp", type="name_speakers", participants=["gitte"])
    run(engine, day1, anna, "q1", type="post_question", text="=HYPERLINK(x)", anonymous=True)
    run(engine, day1, gitte, "q2", type="post_question", text="Hvad koster en byggesag?")
    run(engine, day1, FACILITATOR, "ap", type="approve_question", question="q2")
    run(engine, day1, anna, "up", type="upvote_question", question="q2")
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=day1)
        assert row is not None
        data = plenum_export(session, workshop=row, language="da", clock=clock)
    [header, first, second] = csv_rows(exports.questions_csv(data))
    assert header[:4] == ["Plenum", "Spørgsmål", "Stillet af", "Rolle"]
    assert first[1:6] == ["Hvad koster en byggesag?", "Gitte Bager", "Gæst", "1", "Godkendt"]
    assert second[1:3] == ["'=HYPERLINK(x)", "Anonym"] and second[3] == ""
    assert second[5] == "Afventer godkendelse"
    sheets = load_workbook(io.BytesIO(exports.plenum_xlsx(data)))
    assert sheets.sheetnames == ["Spørgsmål", "Personer"]
    people = list(sheets["Personer"].iter_rows(values_only=True))
    assert ("Gitte Bager", None, "Gæst", "Hvad kommunens service betyder for os") in people
    assert sheets["Spørgsmål"]["B3"].value == "=HYPERLINK(x)"  # text stays text


def test_the_pulse_export_is_pseudonymous_and_holds_no_answers_below_the_minimum(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    kickoff, day1, _, _ = (
        link.workshop_id for link in create_programme(engine, programme, clock=clock, base_url="")
    )
    jump(engine, programme, day1, "pulse-baseline")
    jump(engine, programme, kickoff, "pulse-start")
    for n in range(6):
        pid = f"medarbejder{n}"
        actor = Actor(Role.PARTICIPANT, pid)
        run(engine, day1, actor, pid, type="join", name=f"Medarbejder {n}", department="miljo")
        scores = {"overall": 1 + n % 5, "case-handling": 3, "information": 4}
        run(engine, day1, actor, f"a{pid}", type="answer_pulse", scores=scores, why=f"fordi {n}")
    for n in range(2):  # two leaders: below the minimum of five
        pid = f"leder{n}"
        actor = Actor(Role.LEADER, pid)
        run(engine, kickoff, actor, pid, type="join", name=f"Leder {n}", department="erhverv")
        scores = {"overall": 5, "case-handling": 5, "information": 5}
        run(engine, kickoff, actor, f"a{pid}", type="answer_pulse", scores=scores)
    run(engine, day1, FACILITATOR, "close1", type="close_pulse")
    run(engine, kickoff, FACILITATOR, "close0", type="close_pulse")
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=day1)
        assert row is not None and row.programme_id is not None
        data = pulse_export(session, programme_id=row.programme_id, language="da", clock=clock)
    assert data is not None
    rows = csv_rows(exports.pulse_csv(data))
    header, answers = rows[0], rows[1:]
    assert header[:4] == ["Måling", "Workshop", "Person (pseudonym)", "Rolle"]
    assert len(answers) == 6  # the leaders' two are not there: too few to show
    assert {a[0] for a in answers} == {"Udgangspunkt: medarbejderdag 1"}
    text = exports.pulse_csv(data).decode("utf-8-sig")
    assert "Medarbejder 0" not in text and "medarbejder0" not in text and "Leder" not in text
    assert len({a[2] for a in answers}) == 6 and all(a[2].startswith("P-") for a in answers)
    book = load_workbook(io.BytesIO(exports.pulse_xlsx(data)))
    assert book.sheetnames == ["Resultater", "Anbefaling", "Ændring", "Svar"]
    results = list(book["Resultater"].iter_rows(values_only=True))
    assert results[0][:5] == (
        "Måling",
        "Spørgsmål",
        "Svar",
        "Gennemsnit",
        "Spredning (standardafvigelse)",
    )
    leaders = [r for r in results if r[0] == "Ledernes udgangspunkt"]
    hidden = ("Ledernes udgangspunkt", "Vises ikke: færre end 5 svar, eller ikke lukket", 2)
    assert [r[:3] for r in leaders] == [hidden] and set(leaders[0][3:]) == {None}
    overall = next(r for r in results if r[0] == "Udgangspunkt: medarbejderdag 1")
    assert overall[2] == 6 and overall[3] == pytest.approx(16 / 6)  # 1, 2, 3, 4, 5 and 1
