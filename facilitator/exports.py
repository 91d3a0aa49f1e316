"""Exports of the programme's idea catalogue and the leaders' decisions.

Pure functions over ``ExportData``, a plain snapshot that the web edge fills from the database:
nothing here reads the database, the clock or the network. Four formats (``FORMATS``):

- ``md``: a Markdown document, one table per verdict and a timeline of what starts now;
- ``csv``: for Danish Excel: UTF-8 with a BOM, ``;`` between fields, CRLF line ends;
- ``xlsx``: a workbook with the catalogue and the timeline on two sheets;
- ``html``: a standalone printable document (``templates/exports/print.html``, A4 via
  ``static/print.css``).

Every row appears in every format, revealed in the panel or not: which rows an audience may
see is the caller's decision (the spreadsheets show ``revealed`` as a column).

Rows are ordered by verdict (start now, city council, await, no verdict yet), then by priority
(rows without one last), then by votes, most first; rows that tie keep the order they came in.
A timeline period is a month (``2027-03``) or a quarter (``2027-Q2``); a quarter sorts at its
first month, before that month itself. A verdict or period outside these forms is a bug in the
caller and raises ``ValueError``.

Labels are English msgids translated with ``facilitator.web.i18n`` into ``ExportData.language``.
Spreadsheet cells hold text as text: a proposal such as ``=HYPERLINK(...)`` is a string in the
workbook, and in the CSV a text that Excel would read as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

from babel import dates
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from facilitator.web import i18n
from facilitator.web.i18n import N_

if TYPE_CHECKING:
    from facilitator.web.render import Renderer

__all__ = [
    "FORMATS",
    "VERDICTS",
    "CatalogueRow",
    "ExportData",
    "ordered",
    "period_key",
    "period_label",
    "render",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]

FORMATS: Final = ("md", "csv", "xlsx", "html")
TEMPLATE: Final = "exports/print.html"

# The verdicts in the order the exports group them; None is "no verdict yet".
VERDICTS: Final[tuple[str | None, ...]] = ("start_now", "city_council", "await", None)
_VERDICT_LABELS: Final[dict[str | None, str]] = {
    "start_now": N_("Start now"),
    "city_council": N_("Send to the city council"),
    "await": N_("Await"),
    None: N_("No verdict yet"),
}

_MEDIA_TYPES: Final = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
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


# --- entry point -------------------------------------------------------------------------


def render(data: ExportData, fmt: str, renderer: Renderer) -> tuple[bytes, str, str]:
    """``(content, media type, file extension without the dot)`` of ``data`` as ``fmt``."""
    content: bytes
    if fmt == "md":
        content = to_markdown(data).encode("utf-8")
    elif fmt == "csv":
        content = to_csv(data)
    elif fmt == "xlsx":
        content = to_xlsx(data)
    elif fmt == "html":
        content = to_html(data, renderer).encode("utf-8")
    else:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    return content, _MEDIA_TYPES[fmt], fmt


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


# --- Markdown ----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# What would open a block (heading, list item) at the start of a list item's text.
_MD_MARKER = re.compile(r"([#+=-]|[0-9]+[.)])(?=\s|$)")


def _md(text: str | int | None) -> str:
    """``text`` as inline Markdown that stays in one table cell or list item, markup escaped."""
    if text is None:
        return ""
    if isinstance(text, int):
        return str(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = [_md_line(line.strip()) for line in lines]
    return "<br>".join(line for line in escaped if line)


def _md_line(line: str) -> str:
    line = _MD_SPECIAL.sub(r"\\\1", line)
    marker = _MD_MARKER.match(line)
    if marker is None:
        return line
    end = marker.end() - 1  # escape the marker's last character: "\#", "\-", "1\."
    return line[:end] + "\\" + line[end:]


def to_markdown(data: ExportData) -> str:
    t = _Text(data)
    rows = ordered(data.rows)
    out = [
        f"# {_md(t.heading())}",
        "",
        _md(data.organisation),
        "",
        _md(t(GENERATED).format(date=t.generated())),
        "",
    ]
    if not rows:
        out += [_md(t(EMPTY)), ""]
    headers = [PRIORITY, PROPOSAL, VOTES, FROM_WORKSHOP, GROUP, THEME, OWNER, TIMELINE, RATIONALE]
    for verdict, members in _sections(rows):
        out += [f"## {_md(t.verdict(verdict))}", ""]
        out.append("| " + " | ".join(_md(t(header)) for header in headers) + " |")
        out.append(
            "|" + "|".join("---:" if h in (PRIORITY, VOTES) else "---" for h in headers) + "|"
        )
        for row in members:
            cells = [
                row.priority,
                row.text,
                row.votes,
                row.origin_title,
                row.group,
                row.theme,
                row.owner,
                t.period(row.timeline) if row.timeline else None,
                row.rationale,
            ]
            out.append("| " + " | ".join(_md(cell) for cell in cells) + " |")
        out.append("")
    timeline = _timeline(rows)
    if timeline:
        out += [f"## {_md(t(TIMELINE))}", ""]
        for period, members in timeline:
            out += [f"### {_md(t.period(period))}", ""]
            for row in members:
                owner = f" ({_md(row.owner)})" if row.owner else ""
                out.append(f"- {_md(row.text)}{owner}")
            out.append("")
    return "\n".join(out)


# --- CSV and XLSX ------------------------------------------------------------------------

_Cell = str | int | None


@dataclass(frozen=True)
class _Column:
    header: str  # msgid
    value: Callable[[CatalogueRow, _Text], _Cell]
    width: int  # the most characters an XLSX column grows to
    wrap: bool = False


_COLUMNS: Final = (
    _Column(VERDICT, lambda row, t: t.verdict(row.verdict), 26),
    _Column(PRIORITY, lambda row, t: row.priority, 10),
    _Column(PROPOSAL, lambda row, t: row.text, 60, wrap=True),
    _Column(VOTES, lambda row, t: row.votes, 10),
    _Column(FROM_WORKSHOP, lambda row, t: row.origin_title, 28),
    _Column(GROUP, lambda row, t: row.group, 18),
    _Column(THEME, lambda row, t: row.theme, 24),
    _Column(OWNER, lambda row, t: row.owner, 28),
    _Column(TIMELINE, lambda row, t: row.timeline, 12),
    _Column(RATIONALE, lambda row, t: row.rationale, 50, wrap=True),
    _Column(REVEALED, lambda row, t: t(YES) if row.revealed else t(NO), 14),
)

_TIMELINE_COLUMNS: Final = (
    _Column(PERIOD, lambda row, t: t.period(row.timeline), 20),
    _Column(PRIORITY, lambda row, t: row.priority, 10),
    _Column(PROPOSAL, lambda row, t: row.text, 60, wrap=True),
    _Column(OWNER, lambda row, t: row.owner, 28),
    _Column(FROM_WORKSHOP, lambda row, t: row.origin_title, 28),
)

# Excel reads a field starting with one of these as a formula (or a DDE call).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: _Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(data: ExportData) -> bytes:
    t = _Text(data)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_csv_cell(t(column.header)) for column in _COLUMNS)
    for row in ordered(data.rows):
        writer.writerow(_csv_cell(column.value(row, t)) for column in _COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet"


def _fill_sheet(
    sheet: Any, columns: Sequence[_Column], rows: Sequence[CatalogueRow], t: _Text
) -> None:
    headers = [t(column.header) for column in columns]
    table: list[list[_Cell]] = [[column.value(row, t) for column in columns] for row in rows]
    bold = Font(bold=True)
    for c, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=c, value=_xlsx_text(header))
        cell.data_type = "s"
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(table, start=2):
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            if isinstance(value, str):
                cell = sheet.cell(row=r, column=c, value=_xlsx_text(value))
                cell.data_type = "s"  # text stays text, even "=..."
            else:
                cell = sheet.cell(row=r, column=c, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
    for c, column in enumerate(columns, start=1):
        longest = max((_longest_line(values[c - 1]) for values in table), default=0)
        width = min(max(longest, len(headers[c - 1]), 6), column.width) + 2
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# Characters XML 1.0 cannot hold (openpyxl refuses them): most controls, surrogates, non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xlsx_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _longest_line(value: _Cell) -> int:
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(data: ExportData) -> bytes:
    t = _Text(data)
    rows = ordered(data.rows)
    workbook = Workbook()
    catalogue = workbook.active
    catalogue.title = _sheet_title(t(CATALOGUE_SHEET))
    _fill_sheet(catalogue, _COLUMNS, rows, t)
    timeline = workbook.create_sheet(_sheet_title(t(TIMELINE)))
    _fill_sheet(timeline, _TIMELINE_COLUMNS, [r for _, rs in _timeline(rows) for r in rs], t)
    created = data.generated_at.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.title = _xlsx_text(t.heading())
    workbook.properties.creator = _xlsx_text(data.organisation)
    workbook.properties.created = created
    workbook.properties.modified = created
    workbook.properties.language = t.language
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- printable HTML ----------------------------------------------------------------------


def _html_row(row: CatalogueRow, t: _Text) -> dict[str, Any]:
    return {
        "id": row.id,
        "text": row.text,
        "origin": row.origin,
        "origin_title": row.origin_title,
        "group": row.group,
        "votes": row.votes,
        "theme": row.theme,
        "priority": row.priority,
        "owner": row.owner,
        "timeline": t.period(row.timeline) if row.timeline else None,
        "rationale": row.rationale,
        "revealed": row.revealed,
    }


def to_html(data: ExportData, renderer: Renderer) -> str:
    t = _Text(data)
    rows = ordered(data.rows)
    context = {
        "heading": t.heading(),
        "programme_title": data.programme_title,
        "organisation": data.organisation,
        "generated": t.generated(),
        "generated_iso": data.generated_at.astimezone(UTC).isoformat(timespec="seconds"),
        "sections": [
            {
                "key": verdict or "none",
                "label": t.verdict(verdict),
                "rows": [_html_row(row, t) for row in members],
            }
            for verdict, members in _sections(rows)
        ],
        "timeline": [
            {"label": t.period(period), "rows": [_html_row(row, t) for row in members]}
            for period, members in _timeline(rows)
        ],
    }
    return renderer.render(TEMPLATE, context, t.language)
