"""Views kept by the identity of what they read: the core's states are never changed in place
(``core.frozen``), so a part that a change did not touch is the very same object in the next
state, and a view made from the same objects is the same view. A post does not touch the
members, so the console's thousand people rows are not made again for it.

A stored result holds its inputs, so while it is kept their ids cannot be reused by other
objects: finding the ids is exact (an id found is the very object that was stored). An input
that is new but equal is a miss, never a wrong answer. With no inputs a memo is a cache by
key alone (the rendered pieces of ``views.pieces``). Each is bounded (least recently used
out first) and shared by the rooms of this process.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """The results of one view function, by ``key`` (hashable: a language, a role) and by
    the identity of ``inputs`` (the state's parts it reads)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: OrderedDict[Hashable, tuple[tuple[object, ...], T]] = OrderedDict()

    def get(self, key: Hashable, inputs: tuple[object, ...], make: Callable[[], T]) -> T:
        """The result kept for ``key`` and these very ``inputs``, else ``make()`` (which must
        read nothing but them and what ``key`` says)."""
        # One input is the common case (a row per idea, hundreds a change): no map for it.
        full = (key, id(inputs[0])) if len(inputs) == 1 else (key, *map(id, inputs))
        kept = self._kept
        found = kept.get(full)
        if found is not None:  # the stored inputs are alive, so these ids are theirs
            kept.move_to_end(full)
            return found[1]
        result = make()
        self._kept[full] = (inputs, result)
        if len(self._kept) > self.limit:
            self._kept.popitem(last=False)
        return result

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


# A fingerprint (``rendering.Renderer.fingerprint``) holds the repr of every value a kept
# fragment reads, made once per change: the console's 1,000 people cost 2.3 ms of repr on every
# change though a post leaves them the same object. What is kept by identity and never changed
# once made may say its repr once.


class Rows(tuple[Any, ...]):
    """A kept view's rows, each frozen: its repr is made once, on the first fingerprint."""

    @functools.cached_property
    def _repr(self) -> str:
        return tuple.__repr__(self)

    def __repr__(self) -> str:
        return self._repr


class ReprOnce:
    """For a frozen dataclass kept by identity (declared with ``repr=False``): its repr, the
    dataclass's own, is made once."""

    @functools.cached_property
    def _repr(self) -> str:
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in dataclasses.fields(self)  # type: ignore[arg-type]
            if field.repr
        )
        return f"{type(self).__qualname__}({shown})"

    def __repr__(self) -> str:
        return self._repr
