"""Plain tables to CSV and workbook sheets, for the exports that are only tables (the plenum's
questions, the pulse): the catalogue's own conventions, for rows of cells.

CSV for Danish Excel: UTF-8 with a BOM, ``;`` between fields, CRLF; a text Excel would read
as a formula gets a leading apostrophe. In a workbook, text stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ._tables import _csv_cell, _longest_line, _sheet_title, _xlsx_text

Cell = str | int | float | None
Table = tuple[Sequence[str], Sequence[Sequence[Cell]]]  # headers, rows


def _csv_value(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")  # Danish Excel reads a decimal comma
    return _csv_cell(value)


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_csv_value(header) for header in headers)
    for row in rows:
        writer.writerow(_csv_value(value) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def workbook_bytes(sheets: Sequence[tuple[str, Table]], *, title: str, creator: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (headers, rows) in sheets:
        _fill(workbook.create_sheet(_sheet_title(name)), headers, rows)
    workbook.properties.title = _xlsx_text(title)
    workbook.properties.creator = _xlsx_text(creator)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fill(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    bold = Font(bold=True)
    for c, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=c, value=_xlsx_text(header))
        cell.data_type = "s"
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = sheet.cell(row=r, column=c, value=_xlsx_text(value))
                cell.data_type = "s"
            else:
                cell = sheet.cell(row=r, column=c, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for c, header in enumerate(headers, start=1):
        longest = max((_longest_line(_shown(row[c - 1])) for row in rows), default=0)
        width = min(max(longest, len(header), 6), 60) + 2
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def _shown(value: Cell) -> str | int | None:
    return f"{value:.2f}" if isinstance(value, float) else value
