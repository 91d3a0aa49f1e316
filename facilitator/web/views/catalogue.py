"""The catalogue as each role sees it: leaders triage drafts, the room sees what is revealed."""

from __future__ import annotations

from typing import Any

from facilitator import i18n
from facilitator.agenda import Agenda, GroupWorkPhase, LeaderPanelPhase, LeaderTriagePhase
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.catalogue import CatalogueState, Entry, Revision, Verdict
from facilitator.core.groups import group_number
from facilitator.core.visibility import Sight
from facilitator.core.workshop import WorkshopState
from facilitator.exports import period_label
from facilitator.i18n import N_, gettext

VERDICT_LABELS = {
    Verdict.START_NOW: N_("Start now"),
    Verdict.CITY_COUNCIL: N_("Send to the city council"),
    Verdict.AWAIT: N_("Await"),
}
# The triage's fields as a leader reads them in an entry's history.
FIELD_LABELS = {
    "verdict": N_("Verdict"),
    "priority": N_("Priority"),
    "owner": N_("Owner"),
    "timeline": N_("Timeline"),
    "rationale": N_("Rationale"),
}
CLEARED = N_("cleared")
RATIONALE_SHOWN = 80  # characters of a rationale in the history; the field holds it all


def period(value: str | None, language: str) -> str | None:
    """A timeline as the exports say it: "1. kvartal 2027", "Marts 2027"."""
    if not value:
        return None
    try:
        return period_label(value, language)
    except ValueError:  # not a period the core would have stored
        return value


def _change(
    revision: Revision, departments: dict[str, str], names: dict[str, str], language: str
) -> dict[str, str]:
    """One history line in words: who, when, which field, what it became."""
    value = revision.value
    shown: str
    if value is None or value == "":
        shown = gettext(language, CLEARED)
    elif revision.field == "verdict":
        shown = gettext(language, VERDICT_LABELS[Verdict(str(value))])
    elif revision.field == "owner":
        shown = departments.get(str(value), str(value))
    elif revision.field == "timeline":
        shown = period(str(value), language) or str(value)
    elif revision.field == "rationale":
        text = str(value)
        shown = text if len(text) <= RATIONALE_SHOWN else text[: RATIONALE_SHOWN - 1] + "…"
    else:
        shown = str(value)
    return {
        "who": names.get(revision.by) or gettext(language, "Facilitator"),
        "when": i18n.format_time(revision.at, language),
        "field": gettext(language, FIELD_LABELS.get(revision.field, revision.field)),
        "value": shown,
    }


def _mode(state: WorkshopState, agenda: Agenda) -> str | None:
    phase = state.current_phase(agenda)
    if isinstance(phase, LeaderTriagePhase):
        return "triage"
    if isinstance(phase, LeaderPanelPhase):
        return "panel"
    if isinstance(phase, GroupWorkPhase) and phase.opens_catalogue:
        return "develop"
    return None


def _row(
    entry: Entry,
    sight: Sight,
    names: dict[str, str],
    reactions: dict[str, int],
    language: str,
    *,
    members: dict[str, str],
    titles: dict[str, str],
) -> dict[str, Any]:
    decided, drafts = sight.decision(entry), sight.drafts
    last = entry.history[-1] if entry.history else None
    return {
        "id": entry.id,
        "text": entry.text,
        "origin": entry.origin,
        "origin_title": titles.get(entry.origin, ""),
        "group": entry.group,
        "group_number": group_number(entry.group) if entry.group else None,
        # Where the core hands entries on with their author (None: not known, or anonymous).
        "author": getattr(entry, "author_name", None),
        "votes": entry.votes,
        "theme": entry.theme,
        "revealed": entry.revealed,
        "verdict": entry.verdict.value if decided and entry.verdict else None,
        "verdict_label": gettext(language, VERDICT_LABELS[entry.verdict])
        if decided and entry.verdict
        else None,
        "priority": entry.priority if decided else None,
        "owner": entry.owner if decided else None,
        "owner_name": names.get(entry.owner or "", entry.owner) if decided else None,
        "timeline": entry.timeline if decided else None,
        "timeline_label": period(entry.timeline, language) if decided else None,
        "rationale": entry.rationale if decided else "",
        "history": [_change(r, names, members, language) for r in entry.history] if drafts else [],
        "last": last if drafts else None,
        "reactions": reactions,
    }


def catalogue_context(
    state: WorkshopState,
    agenda: Agenda,
    viewer: Actor,
    departments: dict[str, str],
    member_names: dict[str, str],
    language: str,
    *,
    titles: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``departments``: key → display name; ``member_names``: participant id → name;
    ``titles``: the programme's workshop keys → their titles (where entries came from)."""
    mode = _mode(state, agenda)
    catalogue: CatalogueState = state.catalogue
    sight = visibility.of(Actor(viewer.role))  # the role's view: nothing personal
    drafts = sight.drafts
    rows = {
        key: _row(
            entry,
            sight,
            departments,
            catalogue.reaction_counts(key),
            language,
            members=member_names,
            titles=titles or {},
        )
        for key, entry in catalogue.entries.items()
    }
    # The leaders' order for the triage's sorting: by priority (unset last), then as imported.
    order = sorted(rows, key=lambda k: (rows[k]["priority"] is None, rows[k]["priority"] or 0))
    for n, key in enumerate(order):
        rows[key]["leaders_order"] = n
    revealed = [rows[key] for key in catalogue.revealed_order if key in rows]
    by_verdict = (
        [
            {
                "verdict": verdict.value,
                "label": VERDICT_LABELS[verdict],
                "entries": [rows[e.id] for e in entries],
            }
            for verdict, entries in catalogue.by_verdict().items()
        ]
        if drafts
        else []
    )
    undecided = [row for row in rows.values() if row["verdict"] is None]
    timeline = [
        {
            "period": slot,
            "label": period(slot, language),
            "entries": [rows[e.id] for e in entries if sight.decision(e)],
        }
        for slot, entries in catalogue.timeline().items()
    ]
    return {
        "catalogue_mode": mode,
        "catalogue_rows": list(rows.values()),
        "catalogue_by_verdict": by_verdict,
        "catalogue_undecided": undecided,
        "catalogue_decided": len(rows) - len(undecided),
        "catalogue_revealed": revealed,
        "catalogue_timeline": [t for t in timeline if t["entries"]],
        "catalogue_questions": [
            {"text": q.text, "entry": q.entry, "by": member_names.get(asker, "") if asker else ""}
            for q in catalogue.questions
            for asker in [sight.asker(q)]
        ],
        "departments": departments,
        "verdicts": [(v.value, gettext(language, label)) for v, label in VERDICT_LABELS.items()],
        "names": member_names,
    }
