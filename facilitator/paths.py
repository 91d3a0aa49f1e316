"""Where the project's non-Python parts live (the design card keeps them at the top level)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
AGENDAS = ROOT / "agendas"
