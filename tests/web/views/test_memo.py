"""Views kept by the identity of what they read (web/views/memo.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.web.views.memo import Memo, ReprOnce, Rows


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


@dataclass(frozen=True, repr=False)
class Row(ReprOnce):
    name: str
    votes: int
    note: str = field(default="", repr=False)


def test_a_kept_row_says_the_dataclass_repr_once_leaving_out_what_it_hides() -> None:
    row = Row("Én <indgang>", 3, note="not shown")
    assert repr(row) == "Row(name='Én <indgang>', votes=3)"
    assert repr(row) is repr(row)  # made once, on the first fingerprint
    assert row == Row("Én <indgang>", 3, note="not shown") and hash(row) == hash(
        Row("Én <indgang>", 3, "not shown")
    )


def test_kept_rows_say_the_tuples_repr_once_and_equal_the_tuple() -> None:
    rows = Rows((Row("a", 1), Row("b", 2)))
    assert repr(rows) == repr((Row("a", 1), Row("b", 2))) and repr(rows) is repr(rows)
    assert rows == (Row("a", 1), Row("b", 2)) and len(rows) == 2
