"""Views kept by the identity of what they read (web/views/memo.py)."""

from __future__ import annotations

from facilitator.web.views.memo import Memo


def test_the_same_inputs_give_the_kept_result_without_making_it_again() -> None:
    memo: Memo[list[str]] = Memo(8)
    members, made = {"anna": "Anna"}, []

    def make() -> list[str]:
        made.append("made")
        return sorted(members.values())

    first = memo.get("da", (members,), make)
    assert memo.get("da", (members,), make) is first and made == ["made"]


def test_an_equal_but_new_input_or_another_key_is_made_anew_never_mistaken() -> None:
    memo: Memo[str] = Memo(8)
    assert memo.get("da", ({"a": 1},), lambda: "one") == "one"
    assert memo.get("da", ({"a": 1},), lambda: "again") == "again"  # a new object: a miss
    kept = {"a": 1}
    memo.get("da", (kept,), lambda: "dansk")
    assert memo.get("en", (kept,), lambda: "english") == "english"
    assert memo.get("da", (kept,), lambda: "unused") == "dansk"


def test_a_memo_keeps_at_most_its_limit_the_least_recently_used_going_first() -> None:
    memo: Memo[int] = Memo(2)
    a, b, c = object(), object(), object()
    memo.get(None, (a,), lambda: 1)
    memo.get(None, (b,), lambda: 2)
    memo.get(None, (a,), lambda: 0)  # used again: b is now the oldest
    memo.get(None, (c,), lambda: 3)
    assert len(memo) == 2
    assert memo.get(None, (a,), lambda: 0) == 1
    assert memo.get(None, (b,), lambda: 20) == 20
