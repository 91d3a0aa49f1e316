"""The agenda editor's form: an agenda as a draft of phase cards, read back from a posted form,
and the changes its buttons make (add, remove, duplicate, move, options).

A draft is plain data, as an agenda file writes it (``agenda.files.agenda_data``): what the
form holds, valid or not, so the checks of ``facilitator agendas check`` can judge it and say
where. Each card has an id that stays with it through moves (the page keeps its place and its
focus, and a drag needs nothing but the order of the cards in the form); the phases that have
run are not cards: the draft takes them from the saved agenda, unchanged.

Each phase's form is made from its kind's settings (``agenda.PHASE_SETTINGS``): ``WIDGETS``
says how each setting is edited, so a setting a kind gains shows up in the editor (and a test
fails until it has a widget).
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.datastructures import FormData

from facilitator.agenda import PHASE_MODELS, PHASE_SETTINGS, Agenda, Role
from facilitator.agenda.files import agenda_data
from facilitator.i18n import N_

Form = FormData  # a posted form, as Starlette reads it


TEXT = "text"  # a text in Danish and English
NUMBER = "number"
FLAG = "flag"
CHOICE = "choice"
REFERENCE = "reference"  # a key of a board, a workshop or a pulse measurement
SLUG = "slug"
ROLES = "roles"
OPTIONS = "options"
SCALE = "scale"
KIND = "kind"

WIDGETS: dict[str, str] = {
    "key": SLUG,
    "kind": KIND,
    "title": TEXT,
    "minutes": NUMBER,
    "prompt": TEXT,
    "actors": ROLES,
    "speaker": TEXT,
    "questions": FLAG,
    "anonymous_questions": FLAG,
    "moderated_questions": FLAG,
    "board": REFERENCE,
    "group_size": NUMBER,
    "mix_by": CHOICE,
    "anonymous": FLAG,
    "opens_catalogue": REFERENCE,
    "votes_per_person": NUMBER,
    "max_per_idea": NUMBER,
    "uses_reflection": FLAG,
    "shows_others": FLAG,
    "catalogue": REFERENCE,
    "question": TEXT,
    "answer": CHOICE,
    "options": OPTIONS,
    "max_choices": NUMBER,
    "scale": SCALE,
    "measurement": REFERENCE,
}
RANGES = {
    "minutes": (1, 240),
    "group_size": (2, 10),
    "votes_per_person": (1, 20),
    "max_per_idea": (1, 20),
    "max_choices": (1, 12),
}
CHOICES = {
    "mix_by": (("department", N_("By department")), ("random", N_("At random"))),
    "answer": (
        ("single", N_("One choice")),
        ("multiple", N_("Several choices")),
        ("scale", N_("A point on a scale")),
        ("text", N_("A short text")),
    ),
}
LABELS = {
    "key": N_("Key"),
    "title": N_("Title"),
    "minutes": N_("Minutes"),
    "prompt": N_("Prompt"),
    "actors": N_("Who takes part"),
    "speaker": N_("Speaker"),
    "questions": N_("The room can ask questions"),
    "anonymous_questions": N_("Questions may be asked without a name"),
    "moderated_questions": N_("Questions are shown once the facilitator approves them"),
    "board": N_("Board"),
    "group_size": N_("Group size"),
    "mix_by": N_("Mix the groups"),
    "anonymous": N_("Ideas are posted without names"),
    "opens_catalogue": N_("Works on the catalogue of"),
    "votes_per_person": N_("Votes per person"),
    "max_per_idea": N_("Most votes on one idea"),
    "uses_reflection": N_("Builds on the home reflection"),
    "shows_others": N_("Everyone sees everyone's posts"),
    "catalogue": N_("Catalogue of"),
    "question": N_("Question"),
    "answer": N_("Answer"),
    "options": N_("Options"),
    "max_choices": N_("Most choices"),
    "scale": N_("Scale"),
    "measurement": N_("Measurement"),
}
KINDS = {
    "welcome": (N_("Welcome"), {"da": "Velkommen", "en": "Welcome"}),
    "plenum": (N_("Plenum"), {"da": "Oplæg", "en": "Talk"}),
    "group_work": (N_("Group work"), {"da": "Gruppearbejde", "en": "Group work"}),
    "vote": (N_("Voting on the ideas"), {"da": "Afstemning", "en": "Vote"}),
    "individual": (N_("On one's own"), {"da": "Hver for sig", "en": "On your own"}),
    "home_reflection": (N_("Home reflection"), {"da": "Hjemmerefleksion", "en": "Home reflection"}),
    "poll": (N_("Poll"), {"da": "Spørgsmål til salen", "en": "A question to the room"}),
    "pulse": (N_("Service pulse"), {"da": "Servicepulsen", "en": "The service pulse"}),
    "leader_triage": (N_("Leaders' triage"), {"da": "Ledernes prioritering", "en": "Triage"}),
    "leader_panel": (N_("Leader panel"), {"da": "Ledelsespanel", "en": "Leader panel"}),
    "break": (N_("Break"), {"da": "Pause", "en": "Break"}),
    "wrap_up": (N_("Wrap-up"), {"da": "Afrunding", "en": "Wrap-up"}),
}
ROLE_LABELS = {
    Role.PARTICIPANT.value: N_("Participants"),
    Role.LEADER.value: N_("Leaders"),
    Role.GUEST.value: N_("Guests"),
}
# What a setting that must be given starts as, in a new phase or one whose kind changed.
_STARTS = {
    "prompt": {"da": "Hvad tager du med dig hjem?", "en": "What do you take home with you?"},
    "question": {"da": "Hvad synes du?", "en": "What do you think?"},
    "catalogue": "all",
}
_OPTIONS = [
    {"key": "yes", "label": {"da": "Ja", "en": "Yes"}},
    {"key": "no", "label": {"da": "Nej", "en": "No"}},
]
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Card:
    id: str
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))


@dataclass
class Draft:
    """An agenda being edited: its own settings, the phases that may no longer change (as
    saved), the cards, and what the form carries besides."""

    head: dict[str, Any]  # key, title, length, audience
    locked: list[dict[str, Any]]
    cards: list[Card]
    version: int
    date: str = ""  # the workshop's start, as the date and time inputs send it
    time: str = ""
    client_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def data(self) -> dict[str, Any]:
        return {**self.head, "phases": [*self.locked, *(card.data for card in self.cards)]}

    def card(self, card_id: str) -> Card | None:
        return next((card for card in self.cards if card.id == card_id), None)


def from_agenda(
    agenda: Agenda, *, locked: int, version: int, date: str = "", time: str = ""
) -> Draft:
    data = agenda_data(agenda)
    phases = data.pop("phases")
    cards = [Card(f"c{index}", phase) for index, phase in enumerate(phases) if index >= locked]
    return Draft(data, phases[:locked], cards, version, date, time)


def from_form(form: Form, saved: Agenda, *, pulse: Mapping[str, Any] | None = None) -> Draft:
    """The draft a posted form holds; the phases it did not show come from ``saved``."""
    locked = _int(form.get("locked"), 0)
    kept = agenda_data(saved)["phases"][: max(0, locked)]
    head = {
        "key": saved.key,  # never edited: other workshops and files refer to it
        "title": _text(form, "title") or {},
        "length": str(form.get("length", "")),
        "audience": str(form.get("audience", "")),
    }
    boards = _boards(kept)
    cards = []
    for card_id in form.getlist("card"):
        card_id = str(card_id)
        if not _CARD_ID.fullmatch(card_id):
            continue
        data = _read_phase(form, card_id, boards, pulse)
        boards += _boards([data])
        cards.append(Card(card_id, data))
    return Draft(
        head,
        kept,
        cards,
        _int(form.get("version"), -1),
        str(form.get("date", "")).strip(),
        str(form.get("time", "")).strip(),
        str(form.get("client_id", "")) or uuid.uuid4().hex,
    )


_CARD_ID = re.compile(r"[a-z][a-z0-9]{0,15}")


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _text(form: Form, name: str) -> dict[str, str] | None:
    da, en = (str(form.get(f"{name}.{lang}", "")).strip() for lang in ("da", "en"))
    return {"da": da, "en": en} if da or en else None


def _default(kind: str, name: str) -> Any:
    model = PHASE_MODELS.get(kind)
    found = model.model_fields.get(name) if model else None
    if found is None or found.default is PydanticUndefined:
        return PydanticUndefined
    default = found.default
    return default.value if hasattr(default, "value") else default


def _boards(phases: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(p["board"]) for p in phases if isinstance(p.get("board"), str) and p["board"]]


def _read_phase(
    form: Form, card_id: str, boards: list[str], pulse: Mapping[str, Any] | None
) -> dict[str, Any]:
    kind = str(form.get(f"{card_id}.kind", ""))
    was = str(form.get(f"{card_id}.was", kind))
    names = PHASE_SETTINGS.get(kind, ("key", "kind", "title", "minutes", "prompt"))
    shown = set(PHASE_SETTINGS.get(was, ()))
    data: dict[str, Any] = {}
    for name in names:
        if name == "kind":
            data["kind"] = kind
        elif name in shown or name in ("key", "title", "minutes", "prompt"):
            value = _read(form, card_id, name, kind)
            if value is not PydanticUndefined:
                data[name] = value
    if kind != was:
        data = {**data, **_starting(kind, data, boards, pulse)}
    return data


def _read(form: Form, card_id: str, name: str, kind: str) -> Any:
    """A setting as posted, or PydanticUndefined to leave it out (empty, or its default)."""
    at = f"{card_id}.{name}"
    widget = WIDGETS.get(name, SLUG)
    default = _default(kind, name)
    value: Any
    match widget:
        case "text":
            return _text(form, at) or PydanticUndefined
        case "number":
            raw = str(form.get(at, "")).strip()
            if not raw:
                return PydanticUndefined
            value = int(raw) if raw.isdigit() else raw  # the checks say what is wrong with it
            return PydanticUndefined if value == default and name != "minutes" else value
        case "flag":
            value = form.get(at) == "on"
        case "roles":
            chosen = {str(role) for role in form.getlist(at)}
            value = [role for role in ROLE_LABELS if role in chosen]
            return PydanticUndefined if set(value) == set(default or ()) else value
        case "options":
            return _options(form, at) or PydanticUndefined
        case "scale":
            if form.get(f"{card_id}.answer") != "scale":
                return PydanticUndefined
            return _scale(form, at)
        case _:
            value = str(form.get(at, "")).strip()
            if not value:
                return PydanticUndefined
    return PydanticUndefined if value == default else value


def _options(form: Form, at: str) -> list[dict[str, Any]]:
    options = []
    for row in form.getlist(f"{at}.row"):
        key = str(form.get(f"{at}.{row}.key", "")).strip()
        label = _text(form, f"{at}.{row}.label")
        if key or label:
            options.append({"key": key, "label": label or {"da": "", "en": ""}})
    return options


def _scale(form: Form, at: str) -> dict[str, Any]:
    scale: dict[str, Any] = {}
    for end, default in (("min", 1), ("max", 5)):
        raw = str(form.get(f"{at}.{end}", "")).strip()
        value: Any = int(raw) if raw.isdigit() else raw
        if raw and value != default:
            scale[end] = value
    for word in ("low", "high"):
        scale[word] = _text(form, f"{at}.{word}") or {"da": "", "en": ""}
    return scale


def _starting(
    kind: str, data: Mapping[str, Any], boards: list[str], pulse: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The settings a phase of ``kind`` must have and ``data`` lacks, filled in to start."""
    names = PHASE_SETTINGS.get(kind, ())
    filled: dict[str, Any] = {}
    for name in names:
        if name in data or _default(kind, name) is not PydanticUndefined:
            continue
        if name == "board":
            filled[name] = boards[-1] if boards and kind == "vote" else _fresh_board(boards)
        elif name == "measurement":
            measurements = (pulse or {}).get("measurements") or [{"key": ""}]
            filled[name] = measurements[0]["key"]
        elif name in _STARTS:
            filled[name] = copy.deepcopy(_STARTS[name])
    if kind == "poll" and "options" not in data:
        filled["options"] = copy.deepcopy(_OPTIONS)
    return filled


def _fresh_board(boards: list[str]) -> str:
    return unique("ideas", set(boards))


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free."""
    base = _SLUG.sub("-", base.lower()).strip("-") or "phase"
    if base not in taken:
        return base
    number = 2
    stem = re.sub(r"-[0-9]+$", "", base)
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _keys(draft: Draft) -> set[str]:
    return {str(p.get("key")) for p in draft.data()["phases"]}


def new_card(draft: Draft, kind: str, pulse: Mapping[str, Any] | None = None) -> Card:
    """A phase of ``kind`` with what it must have filled in, at 15 minutes."""
    kind = kind if kind in KINDS else "plenum"
    title = copy.deepcopy(KINDS[kind][1])
    data: dict[str, Any] = {
        "key": unique(kind.replace("_", "-"), _keys(draft)),
        "kind": kind,
        "title": title,
        "minutes": 15,
    }
    data |= _starting(kind, data, _boards(draft.data()["phases"]), pulse)
    return Card(f"n{uuid.uuid4().hex[:8]}", data)


# --- what the buttons do ----------------------------------------------------------------


def apply(
    draft: Draft, op: str, form: Form, pulse: Mapping[str, Any] | None = None
) -> tuple[Draft, str | None]:
    """The draft after the button ``op`` (``up:c3``, ``add``, ``option-add:c2`` …), and the
    id of the control to focus afterwards (None: where it was)."""
    verb, _, rest = op.partition(":")
    target, _, extra = rest.partition(":")
    cards = list(draft.cards)
    index = next((i for i, card in enumerate(cards) if card.id == target), None)
    if verb == "add":
        card = new_card(draft, str(form.get("new_kind", "")), pulse)
        return replace(draft, cards=[*cards, card]), f"{card.id}-title-da"
    if index is None:
        return draft, None
    card = cards[index]
    match verb:
        case "up" if index > 0:
            cards[index - 1], cards[index] = cards[index], cards[index - 1]
            return replace(draft, cards=cards), f"{card.id}-up" if index > 1 else f"{card.id}-down"
        case "down" if index < len(cards) - 1:
            cards[index + 1], cards[index] = cards[index], cards[index + 1]
            last = index + 1 == len(cards) - 1
            return replace(draft, cards=cards), f"{card.id}-up" if last else f"{card.id}-down"
        case "move":
            to = max(0, min(len(cards) - 1, _int(extra, index)))
            cards.insert(to, cards.pop(index))
            return replace(draft, cards=cards), None
        case "remove":
            del cards[index]
            after = cards[min(index, len(cards) - 1)].id if cards else None
            return replace(draft, cards=cards), f"{after}-title-da" if after else "new-kind"
        case "copy":
            data = copy.deepcopy(card.data)
            data["key"] = unique(str(data.get("key", "phase")), _keys(draft))
            twin = Card(f"n{uuid.uuid4().hex[:8]}", data)
            cards.insert(index + 1, twin)
            return replace(draft, cards=cards), f"{twin.id}-title-da"
        case "option-add":
            options = list(card.data.get("options", []))
            key = unique("option", {str(o.get("key")) for o in options})
            options.append({"key": key, "label": {"da": "", "en": ""}})
            cards[index] = Card(card.id, {**card.data, "options": options})
            return replace(draft, cards=cards), f"{card.id}-options-{len(options) - 1}-da"
        case "option-remove":
            options = list(card.data.get("options", []))
            row = _int(extra, -1)
            if 0 <= row < len(options):
                del options[row]
            cards[index] = Card(card.id, {**card.data, "options": options})
            return replace(draft, cards=cards), f"{card.id}-option-add"
    return draft, None
