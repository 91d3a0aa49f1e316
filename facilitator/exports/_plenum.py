"""The plenum's export: a workshop's questions (with their upvotes and what the facilitator
did with them) and its people (with their role, and where they spoke)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from facilitator import i18n
from facilitator.i18n import N_

from ._data import NO, YES
from ._sheets import Cell, csv_bytes, workbook_bytes

PLENUM = N_("Plenum")
QUESTION = N_("Question")
ASKED_BY = N_("Asked by")
ROLE = N_("Role")
UPVOTES = N_("Upvotes")
STATUS = N_("Status")
ANSWERED = N_("Answered")
ON_WALL = N_("On the wall")
ASKED_AT = N_("Asked at")
NAME = N_("Name")
DEPARTMENT = N_("Department")
SPEAKS_IN = N_("Speaker in")
QUESTIONS_SHEET = N_("Questions")
PEOPLE_SHEET = N_("People")
ANONYMOUS = N_("Anonymous")
HEADING = N_("Plenum questions: {workshop}")
STATUSES: Final = {
    "approved": N_("Approved"),
    "pending": N_("Waiting for approval"),
    "hidden": N_("Hidden"),
}
ROLES: Final = {
    "participant": N_("Participant"),
    "leader": N_("Leader"),
    "guest": N_("Guest"),
    "facilitator": N_("Facilitator"),
}


@dataclass(frozen=True)
class QuestionRow:
    plenum: str  # the plenum phase's title
    text: str
    asker: str | None  # a name; None for an anonymous question
    asker_role: str | None  # participant | leader | guest | facilitator; None when anonymous
    votes: int
    status: str  # approved | pending | hidden
    answered: bool
    on_wall: bool
    asked_at: datetime


@dataclass(frozen=True)
class PersonRow:
    name: str
    department: str
    role: str  # participant | leader | guest
    speaks_in: tuple[str, ...]  # the titles of the plenums they were named speaker of


@dataclass(frozen=True)
class PlenumExport:
    workshop_title: str
    organisation: str
    generated_at: datetime
    language: str
    questions: tuple[QuestionRow, ...]  # by plenum, then most upvoted first
    people: tuple[PersonRow, ...]


def _t(data: PlenumExport, msgid: str) -> str:
    return i18n.gettext(data.language, msgid)


def _question_table(data: PlenumExport) -> tuple[list[str], list[list[Cell]]]:
    headers = [PLENUM, QUESTION, ASKED_BY, ROLE, UPVOTES, STATUS, ANSWERED, ON_WALL, ASKED_AT]
    rows: list[list[Cell]] = [
        [
            q.plenum,
            q.text,
            q.asker if q.asker is not None else _t(data, ANONYMOUS),
            _t(data, ROLES[q.asker_role]) if q.asker_role in ROLES else None,
            q.votes,
            _t(data, STATUSES[q.status]),
            _t(data, YES if q.answered else NO),
            _t(data, YES if q.on_wall else NO),
            i18n.format_datetime(q.asked_at, data.language),
        ]
        for q in data.questions
    ]
    return [_t(data, h) for h in headers], rows


def _people_table(data: PlenumExport) -> tuple[list[str], list[list[Cell]]]:
    headers = [_t(data, h) for h in (NAME, DEPARTMENT, ROLE, SPEAKS_IN)]
    rows: list[list[Cell]] = [
        [p.name, p.department, _t(data, ROLES.get(p.role, p.role)), ", ".join(p.speaks_in)]
        for p in data.people
    ]
    return headers, rows


def questions_csv(data: PlenumExport) -> bytes:
    return csv_bytes(*_question_table(data))


def plenum_xlsx(data: PlenumExport) -> bytes:
    return workbook_bytes(
        [
            (_t(data, QUESTIONS_SHEET), _question_table(data)),
            (_t(data, PEOPLE_SHEET), _people_table(data)),
        ],
        title=_t(data, HEADING).format(workshop=data.workshop_title),
        creator=data.organisation,
    )
