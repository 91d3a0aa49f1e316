"""Exports of the programme's idea catalogue and the leaders' decisions.

Pure functions over ``ExportData``, a plain snapshot that ``exports.collect`` fills from the
store: apart from that module, nothing here reads the database, the clock or the network.
Four formats (``FORMATS``):

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

Besides the catalogue: a workshop's boards (``board_csv``, ``board_xlsx``;
``gather.board_export``), its plenum questions and people (``questions_csv``,
``plenum_xlsx``; ``gather.plenum_export`` reads them) and the programme's service pulse, every
measurement, pseudonymous (``pulse_csv``, ``pulse_xlsx``; ``gather.pulse_export``).

Labels are English msgids translated with ``facilitator.i18n`` into ``ExportData.language``.
Spreadsheet cells hold text as text: a proposal such as ``=HYPERLINK(...)`` is a string in the
workbook, and in the CSV a text that Excel would read as a formula gets a leading apostrophe.
"""

from ._board import BoardExport, board_csv, board_xlsx
from ._data import VERDICTS, CatalogueRow, ExportData, ordered, period_key, period_label
from ._html import to_html
from ._markdown import to_markdown
from ._plenum import PersonRow, PlenumExport, QuestionRow, plenum_xlsx, questions_csv
from ._pulse import AnswerRow, PulseExport, pulse_csv, pulse_xlsx
from ._render import FORMATS, render
from ._tables import to_csv, to_xlsx

__all__ = [
    "FORMATS",
    "VERDICTS",
    "AnswerRow",
    "BoardExport",
    "CatalogueRow",
    "ExportData",
    "PersonRow",
    "PlenumExport",
    "PulseExport",
    "QuestionRow",
    "board_csv",
    "board_xlsx",
    "ordered",
    "period_key",
    "period_label",
    "plenum_xlsx",
    "pulse_csv",
    "pulse_xlsx",
    "questions_csv",
    "render",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]
