"""The service pulse's export: every measurement of a programme, pseudonymous.

The answers of a measurement are listed only once its results may be shown (it is over and
enough people answered), each under the person's pseudonym and role, never a name. The
results (n, distribution, mean, spread; the recommend score; the change from the baseline,
overall and paired) follow ``core.pulse_results``; an external reference value is labelled
as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitator import i18n
from facilitator.agenda import SCALE, Pulse
from facilitator.core.pulse_results import ProgrammeResult
from facilitator.i18n import N_

from ._plenum import ROLE, ROLES
from ._sheets import Cell, Table, csv_bytes, workbook_bytes

MEASUREMENT = N_("Measurement")
WORKSHOP = N_("Workshop")
PERSON = N_("Person (pseudonym)")
RECOMMEND = N_("Recommend (0–10)")
WHY = N_("Why")
QUESTION = N_("Question")
ANSWERS = N_("Answers")
MEAN = N_("Mean")
SPREAD = N_("Spread (standard deviation)")
REFERENCE = N_("External reference")
REFERENCE_SOURCE = N_("Source of the external reference")
NOT_SHOWN = N_("Not shown: fewer than {minimum} answers, or not closed")
PROMOTERS = N_("Promoters (9–10)")
PASSIVES = N_("Passives (7–8)")
DETRACTORS = N_("Detractors (0–6)")
NPS = N_("NPS")
COMPARED_TO = N_("Compared with")
CHANGE = N_("Change in the mean")
NPS_CHANGE = N_("Change in NPS")
PAIRED_N = N_("Answered both")
PAIRED = N_("Mean own change of those who answered both")
ANSWERS_SHEET = N_("Answers")
RESULTS_SHEET = N_("Results")
RECOMMEND_SHEET = N_("Recommend")
CHANGE_SHEET = N_("Change")
HEADING = N_("Service pulse: {programme}")


@dataclass(frozen=True)
class AnswerRow:
    measurement: str  # the measurement's key
    workshop: str  # the workshop's title
    person: str  # a pseudonym
    role: str
    scores: tuple[int | None, ...]  # in the pulse's item order
    recommend: int | None
    why: str


@dataclass(frozen=True)
class PulseExport:
    programme_title: str
    organisation: str
    generated_at: datetime
    language: str
    pulse: Pulse
    answers: tuple[AnswerRow, ...]  # only of the measurements whose results are shown
    result: ProgrammeResult


class _Labels:
    def __init__(self, data: PulseExport) -> None:
        self.data = data
        self.language = data.language

    def __call__(self, msgid: str) -> str:
        return i18n.gettext(self.language, msgid)

    def measurement(self, key: str) -> str:
        found = self.data.pulse.measurement(key)
        return found.title.get(self.language) if found else key

    def item(self, key: str) -> str:
        found = self.data.pulse.item(key)
        return found.text.get(self.language) if found else key


def _answers(data: PulseExport, t: _Labels) -> Table:
    items = [item.text.get(data.language) for item in data.pulse.items]
    headers = [t(MEASUREMENT), t(WORKSHOP), t(PERSON), t(ROLE), *items]
    if data.pulse.recommend is not None:
        headers.append(t(RECOMMEND))
    headers.append(t(WHY))
    rows: list[list[Cell]] = []
    for answer in data.answers:
        row: list[Cell] = [
            t.measurement(answer.measurement),
            answer.workshop,
            answer.person,
            t(ROLES[answer.role]) if answer.role in ROLES else answer.role,
            *answer.scores,
        ]
        if data.pulse.recommend is not None:
            row.append(answer.recommend)
        row.append(answer.why)
        rows.append(row)
    return headers, rows


def _results(data: PulseExport, t: _Labels) -> Table:
    points = [str(point) for point in range(SCALE[0], SCALE[1] + 1)]
    headers = [t(MEASUREMENT), t(QUESTION), t(ANSWERS), t(MEAN), t(SPREAD), *points]
    headers += [t(REFERENCE), t(REFERENCE_SOURCE)]
    rows: list[list[Cell]] = []
    hidden = t(NOT_SHOWN).format(minimum=data.pulse.minimum_answers)
    for measured in data.result.measurements:
        title = t.measurement(measured.measurement)
        if not measured.shown:
            rows.append([title, hidden, measured.answered])
            continue
        for item in measured.items:
            spec = data.pulse.item(item.item)
            source = spec.reference.label.get(data.language) if spec and spec.reference else None
            counts = [item.distribution.get(point, 0) for point in range(SCALE[0], SCALE[1] + 1)]
            row: list[Cell] = [title, t.item(item.item), item.n, item.mean, item.spread]
            rows.append([*row, *counts, item.reference, source])
    return headers, [row + [None] * (len(headers) - len(row)) for row in rows]


def _recommend(data: PulseExport, t: _Labels) -> Table:
    headers = [t(MEASUREMENT), t(ANSWERS), t(PROMOTERS), t(PASSIVES), t(DETRACTORS), t(NPS)]
    rows: list[list[Cell]] = []
    for measured in data.result.measurements:
        score = measured.recommend
        title = t.measurement(measured.measurement)
        if score is None:
            rows.append([title, measured.answered, None, None, None, None])
        else:
            rows.append([title, score.n, score.promoters, score.passives, score.detractors])
            rows[-1].append(score.nps)
    return headers, rows


def _change(data: PulseExport, t: _Labels) -> Table:
    headers = [t(MEASUREMENT), t(COMPARED_TO), t(QUESTION), t(CHANGE), t(PAIRED_N), t(PAIRED)]
    rows: list[list[Cell]] = []
    for comparison in data.result.comparisons:
        now, then = t.measurement(comparison.measurement), t.measurement(comparison.baseline)
        for change in comparison.items:
            item = t.item(change.item)
            rows.append([now, then, item, change.overall, change.paired_n, change.paired])
        if comparison.recommend is not None:
            r = comparison.recommend
            rows.append([now, then, t(NPS_CHANGE), r.nps, r.paired_n, r.paired])
    return headers, rows


def pulse_csv(data: PulseExport) -> bytes:
    """The answers, one row per person and measurement."""
    return csv_bytes(*_answers(data, _Labels(data)))


def pulse_xlsx(data: PulseExport) -> bytes:
    t = _Labels(data)
    sheets = [
        (t(RESULTS_SHEET), _results(data, t)),
        (t(CHANGE_SHEET), _change(data, t)),
        (t(ANSWERS_SHEET), _answers(data, t)),
    ]
    if data.pulse.recommend is not None:
        sheets.insert(1, (t(RECOMMEND_SHEET), _recommend(data, t)))
    title = t(HEADING).format(programme=data.programme_title)
    return workbook_bytes(sheets, title=title, creator=data.organisation)
