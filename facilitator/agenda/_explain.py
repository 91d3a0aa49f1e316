"""Pydantic's validation errors, retold for the people who write agenda files."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence, Sized
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ._checks import Loc, label
from ._models import Department, WorkshopEntry
from ._phases import PHASE_SETTINGS, PhaseKind

_COLLECTIONS = {"phases": "phase", "departments": "department", "workshops": "workshop"}
_PULSE_PARTS = {"items": "pulse item", "measurements": "measurement"}
_ITEM_SETTINGS = {
    "departments": tuple(Department.model_fields),
    "workshops": tuple(WorkshopEntry.model_fields),
}
_KINDS = ", ".join(kind.value for kind in PhaseKind)
_LANGUAGES = {"da", "en"}
_KIND_VALUES = frozenset(kind.value for kind in PhaseKind)


def explain(error: ErrorDetails, data: object, model: type[BaseModel]) -> tuple[Loc, str] | None:
    """Where in `data` (validated as `model`) the offending value is, and a plain-English message.
    None when the error is only a consequence of other errors."""
    loc = _without_union_tag(tuple(error["loc"]))
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "too_short" and isinstance(value, Sized) and len(value) >= ctx.get("min_length", 0):
        return None  # pydantic counts only the items that were valid
    where, rest = _split(loc, data)
    item = _item(loc, data)
    field = _name(rest)
    got = f", got {_show(value)}"
    text: str
    match kind:
        case "missing":
            name, parent = str(rest[-1]) if rest else "?", _name(rest[:-1])
            if name in _LANGUAGES and parent:
                text = f"{parent} has no '{name}' text; give both da and en"
            else:
                text = f"the setting '{name}' is missing" + (f" in {parent}" if parent else "")
        case "extra_forbidden":
            text = _unknown_setting(loc, rest, item, tuple(model.model_fields))
        case "union_tag_invalid":
            loc = (*loc, "kind")
            text = f"unknown kind '{ctx.get('tag')}' (expected one of: {_KINDS})"
        case "union_tag_not_found":
            text = f"the setting 'kind' is missing; it says what type of phase this is ({_KINDS})"
        case "value_error":
            text = str(ctx.get("error", error["msg"]))
        case _:
            subject = field or where or "the file"
            where = where if field else None
            text = f"{subject} {_predicate(kind, ctx, got, error['msg'])}"
    return loc, f"{where}: {text}" if where else text


def _predicate(kind: str, ctx: dict[str, Any], got: str, msg: str) -> str:
    match kind:
        case "int_type" | "int_parsing" | "int_from_float":
            return f"must be a whole number{got}"
        case "greater_than" if ctx.get("gt") == 0:
            return f"must be a positive number{got}"
        case "greater_than":
            return f"must be more than {ctx.get('gt')}{got}"
        case "greater_than_equal":
            return f"must be at least {ctx.get('ge')}{got}"
        case "less_than_equal":
            return f"must be at most {ctx.get('le')}{got}"
        case "less_than":
            return f"must be less than {ctx.get('lt')}{got}"
        case "string_type":
            return f"must be text{got}"
        case "string_pattern_mismatch":
            return (
                "must be a short name of lowercase letters a-z, digits and hyphens "
                f"(like 'group-work-1'){got}"
            )
        case "string_too_short":
            return "must not be empty"
        case "string_too_long":
            return f"may be at most {ctx.get('max_length')} characters long"
        case "bool_type" | "bool_parsing":
            return f"must be true or false{got}"
        case "enum" | "literal_error":
            return f"must be one of {ctx.get('expected')}{got}"
        case "model_type" | "model_attributes_type" | "dict_type" if (
            ctx.get("class_name") == "Text"
        ):
            return f"must give a Danish and an English text, like {{da: …, en: …}}{got}"
        case "model_type" | "model_attributes_type" | "dict_type":
            return f"must be a group of settings (name: value){got}"
        case "tuple_type" | "list_type":
            return f"must be a list (each item on a line starting with '- '){got}"
        case "too_short" if ctx.get("min_length") == 1:
            return "must not be empty"
        case "too_short":
            return f"must have at least {ctx.get('min_length')} items"
    return f"is not valid: {msg}"


def _unknown_setting(loc: Loc, rest: Loc, item: object, top: tuple[str, ...]) -> str:
    name, parent = str(rest[-1]) if rest else "?", _name(rest[:-1])
    if parent:
        return f"unknown setting '{name}' in {parent}"
    where, settings = ("a programme" if "workshops" in top else "an agenda"), top
    if loc[0] == "phases" and isinstance(item, Mapping):
        kind = item.get("kind")
        where, settings = f"a {kind} phase", PHASE_SETTINGS.get(str(kind), ())
    elif isinstance(loc[0], str) and item is not None:
        where, settings = f"a {_COLLECTIONS[loc[0]]}", _ITEM_SETTINGS.get(loc[0], ())
    close = difflib.get_close_matches(name, settings, n=1, cutoff=0.75)
    hint = f"did you mean '{close[0]}'?" if close else f"it understands: {', '.join(settings)}"
    return f"{where} has no setting '{name}' ({hint})"


def _without_union_tag(loc: Loc) -> Loc:
    # Pydantic puts the matched kind into the location: ('phases', 3, 'vote', 'board').
    if len(loc) > 2 and loc[0] == "phases" and loc[2] in _KIND_VALUES:
        return (*loc[:2], *loc[3:])
    return loc


def _item(loc: Loc, data: object) -> object:
    """The list item (phase, department, workshop) that `loc` points into, if any."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        items = data.get(loc[0]) if isinstance(data, Mapping) else None
        if isinstance(items, Sequence) and not isinstance(items, str) and loc[1] < len(items):
            return items[loc[1]]
    return None


def _split(loc: Loc, data: object) -> tuple[str | None, Loc]:
    """("phases", 2, "title", "en") -> ("phase 'intro'", ("title", "en"));
    ("pulse", "items", 0, "text") -> ("pulse item 'overall'", ("text",))."""
    noun = _COLLECTIONS.get(loc[0]) if loc and isinstance(loc[0], str) else None
    if noun and len(loc) >= 2 and isinstance(loc[1], int):
        return label(noun, _item(loc, data), loc[1]), loc[2:]
    part = _PULSE_PARTS.get(str(loc[1])) if len(loc) >= 3 and loc[0] == "pulse" else None
    if part and isinstance(loc[2], int):
        pulse = data.get("pulse") if isinstance(data, Mapping) else None
        return label(part, _item(loc[1:], pulse), loc[2]), loc[3:]
    if len(loc) >= 2 and loc[0] == "pulse":
        return "the pulse", loc[1:]
    return None, loc


def _name(loc: Loc) -> str:
    """("title", "en") -> "title (en)"; ("actors", 1) -> "actors (item 2)"."""
    names = [f"item {part + 1}" if isinstance(part, int) else part for part in loc]
    return names[0] + "".join(f" ({name})" for name in names[1:]) if names else ""


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return "a group of settings"
    if isinstance(value, list | tuple):
        return "a list"
    text = str(value)
    return f"'{text}'" if len(text) <= 40 else f"'{text[:39]}…'"
