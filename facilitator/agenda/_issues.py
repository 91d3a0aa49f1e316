"""What the rules report, and the small readers they share: an issue at a location, a
label for an item, the mappings in a list, and repeated keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    loc: Loc
    message: str
    first: Loc | None = None  # for a repeated key: where it was first used


def label(noun: str, item: object, index: int) -> str:
    """`phase 'vote-1'`, or `phase 3` when the item has no usable key."""
    key = item.get("key") if isinstance(item, Mapping) else None
    return f"{noun} '{key}'" if isinstance(key, str) and key else f"{noun} {index + 1}"


def mappings(value: object) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, Mapping)]


def duplicate_keys(
    field: str, noun: str, items: list[tuple[int, Mapping[str, Any]]], at: Loc = ()
) -> list[Issue]:
    first: dict[str, int] = {}
    issues = []
    for index, item in items:
        key = item.get("key")
        if not isinstance(key, str):
            continue
        if key in first:
            issues.append(
                Issue(
                    (*at, field, index, "key"),
                    f"{noun} key '{key}' is used more than once; every {noun} needs its own key",
                    first=(*at, field, first[key], "key"),
                )
            )
        else:
            first[key] = index
    return issues
