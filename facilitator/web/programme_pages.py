"""The facilitator's home, the agenda editor and the programme's outcome: their routes, for
``web.app`` to mount in one line."""

from __future__ import annotations

from facilitator.web import editor, home, outcome, report

routes = [*home.routes, *editor.routes, *outcome.routes, *report.routes]
