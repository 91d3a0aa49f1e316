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
    # ``{**m, k: v}`` keeps an existing key where it was, so insertion order survives edits.
    return frozen({**mapping, key: value})


def drop(mapping: Mapping[K, V], key: K) -> Mapping[K, V]:
    return frozen({k: v for k, v in mapping.items() if k != key})
