"""The programme's service pulse on one screen: every measurement side by side, item by item,
and the change from each measurement's baseline (overall, and paired for the people who
answered both), for the wall and the facilitator.

Pure: the pulse as the programme defines it and its results (``core.pulse_results``) in, one
dict out. A measurement below the pulse's minimum shows n and nothing else, as everywhere.
"""

from __future__ import annotations

from typing import Any

from facilitator.agenda import Pulse
from facilitator.core.pulse_results import (
    Comparison,
    ItemResult,
    MeasurementResult,
    ProgrammeResult,
)
from facilitator.web.views.wall import decimal, signed


def programme_pulse(pulse: Pulse, result: ProgrammeResult, language: str) -> dict[str, Any]:
    """Columns in the programme's order: each measurement that anyone answered, and right after
    a later one the change since its baseline (when the baseline was answered too)."""
    answered = {m.measurement for m in result.measurements if m.answered}
    compared = {c.measurement: c for c in result.comparisons if c.baseline in answered}
    columns: list[dict[str, Any]] = []
    for m in result.measurements:
        if m.measurement not in answered:
            continue
        title = _title(pulse, m.measurement, language)
        columns.append({"kind": "measurement", "title": title, "n": m.answered, "of": m})
        if m.measurement in compared:
            since = _title(pulse, compared[m.measurement].baseline, language)
            columns.append({"kind": "change", "since": since, "of": compared[m.measurement]})
    rows = []
    for index, item in enumerate(pulse.items):
        cells: list[dict[str, Any] | None] = []
        for column in columns:
            if column["kind"] == "measurement":
                measured: MeasurementResult = column["of"]
                shown = measured.shown and index < len(measured.items)
                cells.append(_cell(measured.items[index], language) if shown else None)
            else:
                moves: Comparison = column["of"]
                change = next(c for c in moves.items if c.item == item.key)
                cells.append(
                    {
                        "overall": _change(change.overall, language),
                        "paired": _change(change.paired, language),
                        "paired_n": change.paired_n,
                    }
                )
        reference = item.reference
        rows.append(
            {
                "text": item.text.get(language),
                "reference": (
                    {
                        "value": decimal(reference.value, language),
                        "label": reference.label.get(language),
                    }
                    if reference
                    else None
                ),
                "cells": cells,
            }
        )
    recommend = None
    if pulse.recommend is not None:
        cells = []
        for column in columns:
            if column["kind"] == "measurement":
                said = column["of"].recommend if column["of"].shown else None
                cells.append({"nps": signed(said.nps), "n": said.n} if said and said.n else None)
            else:
                moved = column["of"].recommend
                nps = signed(moved.nps) if moved and moved.nps is not None else None
                cells.append({"overall": nps, "paired": None, "paired_n": 0})
        recommend = {"question": pulse.recommend.question.get(language), "cells": cells}
    return {
        "columns": [{k: v for k, v in c.items() if k != "of"} for c in columns],
        "rows": rows,
        "recommend": recommend,
        "minimum": pulse.minimum_answers,
        "scale": [label.get(language) for label in pulse.scale],
    }


def _title(pulse: Pulse, key: str, language: str) -> str:
    measurement = pulse.measurement(key)
    return measurement.title.get(language) if measurement else key


def _cell(item: ItemResult, language: str) -> dict[str, Any]:
    most = max(item.distribution.values(), default=0)
    return {
        "mean": decimal(item.mean, language),
        "spread": decimal(item.spread, language),
        "n": item.n,
        "bars": [
            {
                "value": value,
                "count": count,
                "height": round(100 * count / most, 1) if most else 0,
            }
            for value, count in sorted(item.distribution.items())
        ],
    }


def _change(value: float | None, language: str) -> str | None:
    """A change on the 1–5 scale, signed, one decimal: ``+0,4``, ``−0,2``, ``0,0``."""
    if value is None:
        return None
    text = decimal(abs(value), language)
    if round(value, 1) > 0:
        return f"+{text}"
    if round(value, 1) < 0:
        return f"\u2212{text}"
    return text
