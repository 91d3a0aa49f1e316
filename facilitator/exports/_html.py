"""The printable HTML export: ``templates/exports/print.html``, A4 via ``static/print.css``."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Any, Final

from ._data import CatalogueRow, ExportData, _sections, _Text, _timeline, ordered

if TYPE_CHECKING:
    from facilitator.rendering import Renderer

TEMPLATE: Final = "exports/print.html"

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
