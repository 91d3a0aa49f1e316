from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from facilitator import exports, i18n
from facilitator.core.catalogue_messages import Verdict
from facilitator.exports import CatalogueRow, ExportData
from facilitator.rendering import Renderer

ROOT = Path(__file__).resolve().parents[1]
GENERATED = datetime(2026, 11, 23, 13, 5, tzinfo=UTC)  # 14.05 in Copenhagen
DANISH_PROPOSAL = "Én fælles indgang for virksomheder – også for små butikker på Søndergade"
DANISH_RATIONALE = "Kræver afklaring af økonomien; første skridt er ét telefonnummer"
DANISH_OWNER = "Miljø og Teknik"


def row(id: str, **fields: object) -> CatalogueRow:
    values: dict[str, object] = {
        "id": id,
        "text": f"Forslag {id}",
        "origin": "staff-day-1",
        "origin_title": "Medarbejderdag 1",
        "group": "Gruppe 2",
        "votes": 0,
        "theme": "Én indgang",
        "verdict": None,
        "priority": None,
        "owner": None,
        "timeline": None,
        "rationale": "",
        "revealed": False,
    }
    values.update(fields)
    return CatalogueRow(**values)  # type: ignore[arg-type]


def data(*rows: CatalogueRow, language: str = "da") -> ExportData:
    return ExportData(
        programme_title="Servicekultur for erhverv",
        organisation="Solrød Kommune",
        generated_at=GENERATED,
        language=language,
        rows=rows,
    )


def sample(language: str = "da") -> ExportData:
    return data(
        row(
            "p1",
            text=DANISH_PROPOSAL,
            votes=7,
            verdict="start_now",
            priority=1,
            owner=DANISH_OWNER,
            timeline="2027-03",
            rationale=DANISH_RATIONALE,
            revealed=True,
        ),
        row("p2", text="Byrådet skal beslutte åbningstider", votes=4, verdict="city_council"),
        row("p3", text="Vent på den nye hjemmeside", votes=2, verdict="await", priority=2),
        row("p4", text="Ingen beslutning endnu, måske", votes=9),
        language=language,
    )


def da(msgid: str) -> str:
    """The Danish label as the catalog has it today (English until it is translated)."""
    return i18n.gettext("da", msgid)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_sheets(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


# --- every format ------------------------------------------------------------------------


def test_markdown_keeps_the_danish_texts_intact() -> None:
    text = exports.to_markdown(sample())
    for danish in (DANISH_PROPOSAL, DANISH_RATIONALE, DANISH_OWNER, "Solrød Kommune"):
        assert danish in text
    assert "23.11.2026 14.05" in text  # Copenhagen time, Danish format


def test_csv_keeps_the_danish_texts_intact() -> None:
    text = exports.to_csv(sample()).decode("utf-8-sig")
    for danish in (DANISH_PROPOSAL, DANISH_RATIONALE, DANISH_OWNER, "Medarbejderdag 1"):
        assert danish in text


def test_xlsx_keeps_the_danish_texts_intact() -> None:
    sheets = xlsx_sheets(exports.to_xlsx(sample()))
    cells = {cell for rows in sheets.values() for values in rows for cell in values}
    assert {DANISH_PROPOSAL, DANISH_RATIONALE, DANISH_OWNER} <= cells


def test_html_keeps_the_danish_texts_intact() -> None:
    html = exports.to_html(sample(), Renderer())
    for danish in (DANISH_PROPOSAL, DANISH_RATIONALE, DANISH_OWNER, "Solrød Kommune"):
        assert danish in html


@pytest.mark.parametrize(
    ("fmt", "media_type", "extension"),
    [
        ("md", "text/markdown; charset=utf-8", "md"),
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("html", "text/html; charset=utf-8", "html"),
    ],
)
def test_render_answers_content_media_type_and_extension(
    fmt: str, media_type: str, extension: str
) -> None:
    content, answered_type, answered_extension = exports.render(sample(), fmt, Renderer())
    assert fmt in exports.FORMATS
    assert (answered_type, answered_extension) == (media_type, extension)
    assert content
    if fmt != "xlsx":
        assert DANISH_PROPOSAL in content.decode("utf-8-sig")


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="pdf"):
        exports.render(sample(), "pdf", Renderer())


def test_an_unknown_verdict_or_period_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="verdict"):
        exports.to_csv(data(row("x", verdict="maybe")))
    with pytest.raises(ValueError, match="2027-13"):
        exports.to_csv(data(row("x", verdict="start_now", timeline="2027-13")))


def test_the_verdicts_are_the_cores() -> None:
    assert {v for v in exports.VERDICTS if v is not None} == {v.value for v in Verdict}


# --- CSV ---------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_uses_semicolons_and_crlf() -> None:
    content = exports.to_csv(sample())
    assert content.startswith(b"\xef\xbb\xbf")
    header = content[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(";")[:3] == [da("Verdict"), da("Priority"), da("Proposal")]
    assert content.count(b"\r\n") == 5  # header and four rows
    assert b"\n" not in content.replace(b"\r\n", b"")


def test_csv_parses_back_with_the_csv_module() -> None:
    rows = csv_rows(exports.to_csv(sample()))
    assert len(rows) == 5
    header, first = rows[0], rows[1]
    assert len(header) == 11
    record = dict(zip(header, first, strict=True))
    assert record[da("Proposal")] == DANISH_PROPOSAL
    assert record[da("Verdict")] == da("Start now")
    assert record[da("Priority")] == "1"
    assert record[da("Votes")] == "7"
    assert record[da("Timeline")] == "2027-03"
    assert record[da("Shown in the panel")] == da("Yes")
    assert dict(zip(header, rows[2], strict=True))[da("Priority")] == ""  # none: empty


def test_csv_quotes_semicolons_quotes_and_line_breaks() -> None:
    tricky = 'Åbent; "hurtigt"\nog venligt'
    rows = csv_rows(exports.to_csv(data(row("x", text=tricky))))
    assert rows[1][2] == tricky


def test_csv_defuses_text_that_excel_would_read_as_a_formula() -> None:
    rows = csv_rows(exports.to_csv(data(row("x", text='=HYPERLINK("http://x","klik")'))))
    assert rows[1][2] == '\'=HYPERLINK("http://x","klik")'


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_reads_back_with_header_and_rows() -> None:
    content = exports.to_xlsx(sample())
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [da("Catalogue"), da("Timeline")]
    sheet = workbook[da("Catalogue")]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == [da("Verdict"), da("Priority"), da("Proposal"), da("Votes")]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 5
    assert rows[1][:4] == (da("Start now"), 1, DANISH_PROPOSAL, 7)
    assert [r[2] for r in rows[1:]] == [
        DANISH_PROPOSAL,
        "Byrådet skal beslutte åbningstider",
        "Vent på den nye hjemmeside",
        "Ingen beslutning endnu, måske",
    ]
    assert sheet["C2"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width


def test_xlsx_timeline_sheet_lists_what_starts_now_by_period() -> None:
    rows = (
        row("late", verdict="start_now", timeline="2027-06"),
        row("early", verdict="start_now", timeline="2027-Q1"),
        row("other", verdict="await", timeline="2026-01"),
    )
    sheets = xlsx_sheets(exports.to_xlsx(data(*rows, language="en")))
    timeline = sheets["Timeline"]
    assert timeline[0][:3] == ("Period", "Priority", "Proposal")
    assert [(r[0], r[2]) for r in timeline[1:]] == [
        ("Q1 2027", "Forslag early"),
        ("June 2027", "Forslag late"),
    ]


def test_xlsx_keeps_formula_like_text_as_text() -> None:
    content = exports.to_xlsx(data(row("x", text="=1+1")))
    cell = load_workbook(io.BytesIO(content))[da("Catalogue")]["C2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_escapes_a_pipe_and_line_breaks_in_a_proposal() -> None:
    text = exports.to_markdown(data(row("x", text="Ja | nej\nmåske", verdict="await")))
    line = next(line for line in text.splitlines() if "Ja" in line)
    assert "Ja \\| nej<br>måske" in line
    assert len(re.findall(r"(?<!\\)\|", line)) == 10  # nine columns, no extra cell


def test_markdown_has_title_organisation_date_and_a_section_per_verdict() -> None:
    text = exports.to_markdown(sample())
    lines = text.splitlines()
    assert lines[0] == "# " + da("Idea catalogue: {programme}").format(
        programme="Servicekultur for erhverv"
    )
    assert "Solrød Kommune" in lines
    headings = [line[3:] for line in lines if line.startswith("## ")]
    verdicts = [da("Start now"), da("Send to the city council"), da("Await")]
    assert headings == [*verdicts, da("No verdict yet"), da("Timeline")]


def test_markdown_escapes_markup_in_user_text() -> None:
    text = exports.to_markdown(data(row("x", text="<b>fed</b> *ikke* [link](x)")))
    assert "\\<b\\>fed\\</b\\> \\*ikke\\* \\[link\\](x)" in text


# --- HTML --------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_a_full_document_with_the_a4_stylesheet() -> None:
    html = exports.to_html(sample(), Renderer())
    assert html.startswith("<!doctype html>")
    assert html.rstrip().endswith("</html>")
    parser = _Tags()
    parser.feed(html)
    assert ("html", {"lang": "da"}) in parser.tags
    assert ("meta", {"charset": "utf-8"}) in parser.tags
    links = [attrs for tag, attrs in parser.tags if tag == "link"]
    assert [link["rel"] for link in links] == ["stylesheet"]
    assert (links[0]["href"] or "").startswith("/static/print.css")
    assert "<title>" in html
    assert "http://" not in html and "https://" not in html  # nothing from the internet


def test_html_escapes_a_script_in_a_proposal() -> None:
    html = exports.to_html(data(row("x", text="<script>alert('hej')</script>")), Renderer())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_print_stylesheet_is_a4_and_repeats_table_headers() -> None:
    css = (ROOT / "static" / "print.css").read_text()
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*18mm;?\s*\}", css)
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", css)
    assert "break-inside: avoid" in css
    assert "url(" not in css and "@import" not in css


# --- languages ---------------------------------------------------------------------------


def test_english_export_uses_english_labels() -> None:
    english = sample("en")
    md = exports.to_markdown(english)
    assert md.splitlines()[0] == "# Idea catalogue: Servicekultur for erhverv"
    assert "## Start now" in md
    assert "## Send to the city council" in md
    assert "| Priority | Proposal | Votes | From workshop | Group |" in md
    assert "23/11/2026, 14:05" in md
    header = csv_rows(exports.to_csv(english))[0]
    assert header == [
        "Verdict",
        "Priority",
        "Proposal",
        "Votes",
        "From workshop",
        "Group",
        "Theme",
        "Owner",
        "Timeline",
        "Rationale",
        "Shown in the panel",
    ]
    assert list(xlsx_sheets(exports.to_xlsx(english))) == ["Catalogue", "Timeline"]
    html = exports.to_html(english, Renderer())
    assert '<html lang="en">' in html
    assert "Send to the city council" in html
    assert "March 2027" in html


def test_danish_export_names_months_in_danish() -> None:
    assert exports.period_label("2027-03", "da") == "Marts 2027"
    assert exports.period_label("2027-03", "en") == "March 2027"
    assert exports.period_label("2027-Q2", "en") == "Q2 2027"


# --- order -------------------------------------------------------------------------------


def test_rows_are_ordered_by_verdict_then_priority_then_votes() -> None:
    rows = (
        row("none-many", votes=50),
        row("await", verdict="await", priority=1),
        row("start-unprioritised-many", verdict="start_now", votes=40),
        row("start-2", verdict="start_now", priority=2, votes=1),
        row("council", verdict="city_council", priority=1),
        row("start-1-few", verdict="start_now", priority=1, votes=3),
        row("start-1-many", verdict="start_now", priority=1, votes=8),
        row("start-unprioritised-few", verdict="start_now", votes=5),
    )
    expected = [
        "start-1-many",
        "start-1-few",
        "start-2",
        "start-unprioritised-many",
        "start-unprioritised-few",
        "council",
        "await",
        "none-many",
    ]
    assert [r.id for r in exports.ordered(rows)] == expected
    records = csv_rows(exports.to_csv(data(*rows)))[1:]
    assert [r[2] for r in records] == [f"Forslag {id}" for id in expected]
    md = exports.to_markdown(data(*rows))
    positions = [md.index(f"Forslag {id} ") for id in expected]
    assert positions == sorted(positions)


def test_rows_that_tie_keep_their_order() -> None:
    rows = (row("b", votes=1), row("a", votes=1), row("c", votes=1))
    assert [r.id for r in exports.ordered(rows)] == ["b", "a", "c"]


def test_timeline_orders_months_and_quarters_chronologically() -> None:
    periods = ["2028-01", "2027-04", "2027-Q2", "2027-12", "2027-Q1", "2027-03", "2026-Q4"]
    assert sorted(periods, key=exports.period_key) == [
        "2026-Q4",
        "2027-Q1",
        "2027-03",
        "2027-Q2",
        "2027-04",
        "2027-12",
        "2028-01",
    ]
    rows = [row(f"r{i}", verdict="start_now", timeline=period) for i, period in enumerate(periods)]
    rows.append(row("unscheduled", verdict="start_now"))
    rows.append(row("awaits", verdict="await", timeline="2026-01"))
    md = exports.to_markdown(data(*rows, language="en"))
    timeline = md[md.index("## Timeline") :]
    headings = [line[4:] for line in timeline.splitlines() if line.startswith("### ")]
    assert headings == [
        "Q4 2026",
        "Q1 2027",
        "March 2027",
        "Q2 2027",
        "April 2027",
        "December 2027",
        "January 2028",
        "No timeline yet",
    ]
    assert "Forslag awaits" not in timeline
    html = exports.to_html(data(*rows, language="en"), Renderer())
    positions = [html.index(f"<h3>{heading}</h3>") for heading in headings]
    assert positions == sorted(positions)


def test_an_empty_catalogue_still_exports() -> None:
    empty = data(language="en")
    assert "The catalogue is empty." in exports.to_markdown(empty)
    assert len(csv_rows(exports.to_csv(empty))) == 1
    assert len(xlsx_sheets(exports.to_xlsx(empty))["Catalogue"]) == 1
    assert "The catalogue is empty." in exports.to_html(empty, Renderer())


def test_xlsx_drops_characters_xml_cannot_hold() -> None:
    content = exports.to_xlsx(data(row("x", text="Bip\x07 bøf\x00")))
    assert load_workbook(io.BytesIO(content))[da("Catalogue")]["C2"].value == "Bip bøf"
