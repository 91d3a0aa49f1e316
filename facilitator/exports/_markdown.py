"""The Markdown export: one table per verdict and a timeline of what starts now."""

from __future__ import annotations

import re

from ._data import (
    EMPTY,
    FROM_WORKSHOP,
    GENERATED,
    GROUP,
    OWNER,
    PRIORITY,
    PROPOSAL,
    RATIONALE,
    THEME,
    TIMELINE,
    VOTES,
    ExportData,
    _sections,
    _Text,
    _timeline,
    ordered,
)

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
