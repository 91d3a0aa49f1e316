"""The catalogue as each role sees it: leaders triage drafts, the room sees what is revealed."""

from __future__ import annotations

from typing import Any

from facilitator.agenda import Agenda, GroupWorkPhase, LeaderPanelPhase, LeaderTriagePhase
from facilitator.core import visibility
from facilitator.core.actors import Actor
from facilitator.core.catalogue import CatalogueState, Entry, Verdict
from facilitator.core.visibility import Sight
from facilitator.core.workshop import WorkshopState
from facilitator.i18n import N_, gettext

VERDICT_LABELS = {
    Verdict.START_NOW: N_("Start now"),
    Verdict.CITY_COUNCIL: N_("Send to the city council"),
    Verdict.AWAIT: N_("Await"),
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
    entry: Entry, sight: Sight, names: dict[str, str], reactions: dict[str, int], language: str
) -> dict[str, Any]:
    decided, drafts = sight.decision(entry), sight.drafts
    last = entry.history[-1] if entry.history else None
    return {
        "id": entry.id,
        "text": entry.text,
        "origin": entry.origin,
        "group": entry.group,
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
        "rationale": entry.rationale if decided else "",
        "history": list(entry.history) if drafts else [],
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
) -> dict[str, Any]:
    """``departments``: key → display name; ``member_names``: participant id → name."""
    mode = _mode(state, agenda)
    catalogue: CatalogueState = state.catalogue
    sight = visibility.of(Actor(viewer.role))  # the role's view: nothing personal
    drafts = sight.drafts
    rows = {
        key: _row(entry, sight, departments, catalogue.reaction_counts(key), language)
        for key, entry in catalogue.entries.items()
    }
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
        {"period": period, "entries": [rows[e.id] for e in entries if sight.decision(e)]}
        for period, entries in catalogue.timeline().items()
    ]
    return {
        "catalogue_mode": mode,
        "catalogue_rows": list(rows.values()),
        "catalogue_by_verdict": by_verdict,
        "catalogue_undecided": undecided,
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
