"""What every export format shares: the snapshot, its order and periods, and the labels.

``_Text`` binds an export's language; the formats take their column headers and document texts
(msgids) from here, so ``pybabel extract`` finds each once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from babel import dates

from facilitator import i18n
from facilitator.i18n import N_

# The verdicts in the order the exports group them; None is "no verdict yet".
VERDICTS: Final[tuple[str | None, ...]] = ("start_now", "city_council", "await", None)
_VERDICT_LABELS: Final[dict[str | None, str]] = {
    "start_now": N_("Start now"),
    "city_council": N_("Send to the city council"),
    "await": N_("Await"),
    None: N_("No verdict yet"),
}

# Column headers (msgids), shared by every format.
PROPOSAL = N_("Proposal")
FROM_WORKSHOP = N_("From workshop")
GROUP = N_("Group")
VOTES = N_("Votes")
THEME = N_("Theme")
VERDICT = N_("Verdict")
PRIORITY = N_("Priority")
OWNER = N_("Owner")
TIMELINE = N_("Timeline")
RATIONALE = N_("Rationale")
REVEALED = N_("Shown in the panel")
PERIOD = N_("Period")
YES = N_("Yes")
NO = N_("No")
# Document texts.
HEADING = N_("Idea catalogue: {programme}")
GENERATED = N_("Generated {date}")
EMPTY = N_("The catalogue is empty.")
UNSCHEDULED = N_("No timeline yet")
QUARTER = N_("Q{quarter} {year}")
CATALOGUE_SHEET = N_("Catalogue")

_PERIOD = re.compile(r"([0-9]{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))")
_BABEL_LOCALES: Final = {"da": "da_DK", "en": "en_GB"}  # as i18n formats dates


@dataclass(frozen=True)
class CatalogueRow:
    id: str
    text: str
    origin: str  # the key of the workshop the proposal came from, e.g. "staff-day-1"
    origin_title: str  # that workshop's title in the export language
    group: str | None
    votes: int
    theme: str | None
    verdict: str | None  # "start_now" | "city_council" | "await" | None
    priority: int | None
    owner: str | None  # a department's display name
    timeline: str | None  # "2027-03" (a month) or "2027-Q2" (a quarter)
    rationale: str
    revealed: bool


@dataclass(frozen=True)
class ExportData:
    programme_title: str
    organisation: str
    generated_at: datetime  # aware, UTC
    language: str  # "da" | "en"
    rows: tuple[CatalogueRow, ...]


# --- order and periods -------------------------------------------------------------------


def ordered(rows: Iterable[CatalogueRow]) -> list[CatalogueRow]:
    """Rows by verdict, then priority (none last), then votes (most first); ties keep order."""
    checked = [_checked(row) for row in rows]
    return sorted(
        checked,
        key=lambda row: (
            VERDICTS.index(row.verdict),
            row.priority is None,
            row.priority or 0,
            -row.votes,
        ),
    )


def period_key(period: str) -> tuple[int, int, int]:
    """A sort key: ``2027-Q2`` → ``(2027, 4, 0)``, before ``2027-04`` → ``(2027, 4, 1)``."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise ValueError(f"a timeline is a month (2027-03) or a quarter (2027-Q2), not {period!r}")
    year = int(match[1])
    if match[2]:
        return (year, int(match[2]), 1)
    return (year, 3 * int(match[3]) - 2, 0)


def period_label(period: str, language: str) -> str:
    """``2027-03`` → ``Marts 2027`` / ``March 2027``; ``2027-Q2`` → the translated quarter."""
    year, month, is_month = period_key(period)
    language = _language(language)
    if not is_month:
        quarter = (month + 2) // 3
        return i18n.gettext(language, QUARTER).format(quarter=quarter, year=year)
    name = dates.format_date(date(year, month, 1), "LLLL y", locale=_BABEL_LOCALES[language])
    return name[:1].upper() + name[1:]


def _checked(row: CatalogueRow) -> CatalogueRow:
    if row.verdict not in VERDICTS:
        raise ValueError(f"row {row.id!r}: unknown verdict {row.verdict!r}")
    if row.timeline is not None:
        period_key(row.timeline)
    return row


def _language(language: str) -> str:
    return language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _sections(rows: Sequence[CatalogueRow]) -> list[tuple[str | None, list[CatalogueRow]]]:
    """The non-empty verdict groups of already ordered rows."""
    groups: list[tuple[str | None, list[CatalogueRow]]] = []
    for verdict in VERDICTS:
        members = [row for row in rows if row.verdict == verdict]
        if members:
            groups.append((verdict, members))
    return groups


def _timeline(rows: Sequence[CatalogueRow]) -> list[tuple[str | None, list[CatalogueRow]]]:
    """The start-now rows by period, chronologically; rows without a period come last."""
    periods: dict[str | None, list[CatalogueRow]] = {}
    for row in rows:
        if row.verdict == "start_now":
            periods.setdefault(row.timeline, []).append(row)
    dated = sorted((p for p in periods if p is not None), key=period_key)
    order: list[str | None] = [*dated, None] if None in periods else list(dated)
    return [(period, periods[period]) for period in order]


class _Text:
    """The export's language, bound: labels, dates and periods."""

    def __init__(self, data: ExportData) -> None:
        self.language = _language(data.language)
        self.data = data

    def __call__(self, msgid: str) -> str:
        return i18n.gettext(self.language, msgid)

    def verdict(self, verdict: str | None) -> str:
        return self(_VERDICT_LABELS[verdict])

    def period(self, period: str | None) -> str:
        return self(UNSCHEDULED) if period is None else period_label(period, self.language)

    def heading(self) -> str:
        return self(HEADING).format(programme=self.data.programme_title)

    def generated(self) -> str:
        return i18n.format_datetime(self.data.generated_at, self.language)
