"""The spreadsheet exports: CSV for Danish Excel and an XLSX workbook, on the same columns."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ._data import (
    CATALOGUE_SHEET,
    FROM_WORKSHOP,
    GROUP,
    NO,
    OWNER,
    PERIOD,
    PRIORITY,
    PROPOSAL,
    RATIONALE,
    REVEALED,
    THEME,
    TIMELINE,
    VERDICT,
    VOTES,
    YES,
    CatalogueRow,
    ExportData,
    _Text,
    _timeline,
    ordered,
)

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
