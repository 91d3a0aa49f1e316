"""The entry point: one export of ``ExportData`` in a named format, with its media type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ._data import ExportData
from ._html import to_html
from ._markdown import to_markdown
from ._tables import to_csv, to_xlsx

if TYPE_CHECKING:
    from facilitator.rendering import Renderer

FORMATS: Final = ("md", "csv", "xlsx", "html")

_MEDIA_TYPES: Final = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

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
