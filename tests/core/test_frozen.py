"""The core's read-only mappings: a change is a new mapping, the old one stays as it was."""

from __future__ import annotations

import pytest

from facilitator.core.frozen import drop, frozen, put


def test_putting_a_new_key_appends_it_and_leaves_the_old_mapping_alone() -> None:
    before = frozen({"a": 1, "b": 2})
    after = put(before, "c", 3)
    assert list(after.items()) == [("a", 1), ("b", 2), ("c", 3)]
    assert dict(before) == {"a": 1, "b": 2}


def test_changing_a_key_keeps_its_place_in_the_order() -> None:
    after = put(frozen({"a": 1, "b": 2, "c": 3}), "b", 20)
    assert list(after.items()) == [("a", 1), ("b", 20), ("c", 3)]


def test_dropping_a_key_keeps_the_others_in_order_and_a_missing_key_is_no_error() -> None:
    before = frozen({"a": 1, "b": 2, "c": 3})
    assert list(drop(before, "b")) == ["a", "c"]
    assert list(drop(before, "x")) == ["a", "b", "c"]
    assert list(before) == ["a", "b", "c"]


def test_the_result_cannot_be_changed_in_place() -> None:
    after = put(frozen({}), "a", 1)
    with pytest.raises(TypeError):
        after["a"] = 2  # type: ignore[index]
