"""The agenda editor as data: each card's fields, clock times and problems, the total against
the day's length, and what another facilitator changed (a refused stale save)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic_core import PydanticUndefined

from facilitator import i18n
from facilitator.agenda import PHASE_SETTINGS, Agenda, AgendaError, DayLength, Problem
from facilitator.agenda.files import agenda_data, read_bytes, to_yaml
from facilitator.web.editor_form import (
    CHOICES,
    KINDS,
    LABELS,
    RANGES,
    ROLE_LABELS,
    WIDGETS,
    Card,
    Draft,
    _default,
)

LISTS = {
    "board": "boards-list",
    "opens_catalogue": "workshops-list",
    "catalogue": "workshops-list",
    "measurement": "measurements-list",
}


@dataclass(frozen=True)
class Checked:
    """What the checks found in a draft, placed: on a phase (by its index), or on the whole."""

    agenda: Agenda | None
    problems: list[Problem]
    by_phase: dict[int, list[Problem]]
    general: list[Problem]


def place(draft: Draft, agenda: Agenda | None, problems: list[Problem], name: str) -> Checked:
    """Each problem on the phase whose lines hold it, in the draft's file as written."""
    lines: dict[Any, int] = {}
    with contextlib.suppress(AgendaError):  # what the checks could not read is on the whole
        lines = read_bytes(name, to_yaml(draft.data()).encode()).lines
    starts = sorted(
        (line, loc[1])
        for loc, line in lines.items()
        if len(loc) == 2 and loc[0] == "phases" and isinstance(loc[1], int)
    )
    by_phase: dict[int, list[Problem]] = {}
    general: list[Problem] = []
    for problem in problems:
        index = None
        if problem.line is not None:
            for line, phase in starts:
                if line <= problem.line:
                    index = phase
        if index is None:
            general.append(problem)
        else:
            by_phase.setdefault(index, []).append(problem)
    return Checked(agenda, problems, by_phase, general)


def _t(language: str) -> Any:
    return i18n.translations(language).gettext


def duration(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return str(i18n.gettext(language, "{minutes} min")).format(minutes=rest)
    if not rest:
        return str(i18n.gettext(language, "{hours} h")).format(hours=hours)
    return str(i18n.gettext(language, "{hours} h {minutes} min")).format(hours=hours, minutes=rest)


def _minutes(phase: Mapping[str, Any]) -> int:
    value = phase.get("minutes")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def times(
    phases: Sequence[Mapping[str, Any]], base: datetime | None, language: str
) -> list[tuple[str, str]]:
    """Each phase's planned start and end: clock times from ``base``, else the time from the
    start ("0:15")."""
    found = []
    offset = 0
    for phase in phases:
        start, offset = offset, offset + _minutes(phase)
        if base is not None:
            found.append(
                (
                    i18n.format_time(base + timedelta(minutes=start), language),
                    i18n.format_time(base + timedelta(minutes=offset), language),
                )
            )
        else:
            found.append((f"{start // 60}:{start % 60:02d}", f"{offset // 60}:{offset % 60:02d}"))
    return found


def _field(card: Card, name: str, language: str) -> dict[str, Any]:
    t = _t(language)
    widget = WIDGETS.get(name, "slug")
    value = card.data.get(name)
    default = _default(card.kind, name)
    shown = default if value is None and default is not PydanticUndefined else value
    found: dict[str, Any] = {
        "name": name,
        "widget": widget,
        "label": t(LABELS.get(name, name)),
        "id": f"{card.id}-{name.replace('_', '-')}",
        "input": f"{card.id}.{name}",
        "required": default is PydanticUndefined and name != "prompt",
    }
    match widget:
        case "text":
            both: Mapping[str, Any] = shown if isinstance(shown, Mapping) else {}
            found["da"], found["en"] = str(both.get("da", "")), str(both.get("en", ""))
            found["required"] = name == "title" or default is PydanticUndefined
        case "number":
            found["value"] = "" if shown is None else str(shown)
            found["min"], found["max"] = RANGES.get(name, (0, 999))
        case "flag":
            found["checked"] = shown is True
        case "choice":
            found["choices"] = [(v, t(label), v == shown) for v, label in CHOICES.get(name, ())]
        case "roles":
            chosen = set(shown or ())
            found["roles"] = [(v, t(label), v in chosen) for v, label in ROLE_LABELS.items()]
        case "options":
            rows = shown if isinstance(shown, list) else []
            found["rows"] = [
                {
                    "index": i,
                    "key": str(row.get("key", "")),
                    "da": str((row.get("label") or {}).get("da", "")),
                    "en": str((row.get("label") or {}).get("en", "")),
                }
                for i, row in enumerate(rows)
                if isinstance(row, Mapping)
            ]
        case "scale":
            scale = shown if isinstance(shown, Mapping) else {}
            found["min"], found["max"] = str(scale.get("min", 1)), str(scale.get("max", 5))
            for word in ("low", "high"):
                words = scale.get(word)
                text: Mapping[str, Any] = words if isinstance(words, Mapping) else {}
                found[word] = {"da": str(text.get("da", "")), "en": str(text.get("en", ""))}
            found["shown"] = card.data.get("answer") == "scale"
        case _:
            found["value"] = "" if shown is None else str(shown)
            found["list"] = LISTS.get(name, "")
    return found


def cards_context(
    draft: Draft,
    checked: Checked,
    base: datetime | None,
    language: str,
    opened: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """``opened``: the cards whose settings are shown (as the person left them, a new card)."""
    t = _t(language)
    phases = draft.data()["phases"]
    clock = times(phases, base, language)
    kept = len(draft.locked)
    shown = []
    for offset, card in enumerate(draft.cards):
        index = kept + offset
        names = PHASE_SETTINGS.get(card.kind, ("key", "kind", "title", "minutes"))
        title = card.data.get("title")
        heading = str(title.get(language) or "") if isinstance(title, Mapping) else ""
        shown.append(
            {
                "id": card.id,
                "number": index + 1,
                "kind": card.kind,
                "kind_label": t(KINDS[card.kind][0]) if card.kind in KINDS else card.kind,
                "key": str(card.data.get("key", "")),
                "heading": heading or i18n.gettext(language, "(no title)"),
                "start": clock[index][0],
                "end": clock[index][1],
                "minutes": _minutes(card.data),
                "fields": [_field(card, n, language) for n in names if n not in ("key", "kind")],
                "problems": [p.message for p in checked.by_phase.get(index, [])],
                "open": bool(checked.by_phase.get(index)) or card.id in opened,
                "first": offset == 0,
                "last": offset == len(draft.cards) - 1,
            }
        )
    return shown


def locked_context(
    draft: Draft, checked: Checked, base: datetime | None, language: str
) -> list[dict[str, Any]]:
    t = _t(language)
    clock = times(draft.data()["phases"], base, language)
    found = []
    for index, phase in enumerate(draft.locked):
        kind = str(phase.get("kind", ""))
        found.append(
            {
                "number": index + 1,
                "title": _title(phase, language),
                "kind_label": t(KINDS[kind][0]) if kind in KINDS else kind,
                "minutes": _minutes(phase),
                "start": clock[index][0],
                "end": clock[index][1],
                "problems": [p.message for p in checked.by_phase.get(index, [])],
            }
        )
    return found


def total_context(draft: Draft, language: str) -> dict[str, Any]:
    total = sum(_minutes(p) for p in draft.data()["phases"])
    length = draft.head.get("length")
    limit = DayLength(length).max_minutes if length in ("half_day", "full_day") else None
    return {
        "minutes": total,
        "text": duration(total, language),
        "limit": duration(limit, language) if limit else "",
        "over": limit is not None and total > limit,
        "left": duration(limit - total, language) if limit and total <= limit else "",
        "length_label": i18n.gettext(language, "Half day")
        if length == "half_day"
        else i18n.gettext(language, "Full day"),
    }


def conflict_context(saved: Agenda, draft: Draft, version: int, language: str) -> dict[str, Any]:
    """What another facilitator saved, and how it differs from this draft (by phase key)."""
    mine = {str(p.get("key")): p for p in draft.data()["phases"]}
    theirs = agenda_data(saved)["phases"]
    keys = {str(p["key"]) for p in theirs}
    rows = []
    for index, phase in enumerate(theirs):
        key = str(phase["key"])
        mark = "new" if key not in mine else "changed" if mine[key] != phase else ""
        rows.append(
            {
                "number": index + 1,
                "title": saved.phases[index].title.get(language),
                "minutes": saved.phases[index].minutes,
                "mark": mark,
            }
        )
    only_mine = [
        _title(p, language) for p in draft.data()["phases"] if str(p.get("key")) not in keys
    ]
    return {"version": version, "rows": rows, "only_mine": only_mine}


def _title(phase: Mapping[str, Any], language: str) -> str:
    title = phase.get("title")
    found = title.get(language) if isinstance(title, Mapping) else None
    return str(found or phase.get("key", ""))
