"""Who is online across processes: this process's sockets counted, the others' sets heard."""

from __future__ import annotations

from facilitator.live.presence import EXPIRES, Presence


def test_a_person_is_online_while_any_of_their_sockets_is_open() -> None:
    presence = Presence()
    assert presence.came("p1") is True  # who is online here changed: tell the others
    assert presence.came("p1") is False  # a second tab changes nothing
    assert presence.went("p1") is False
    assert presence.everyone == {"p1"} and presence.here == {"p1"}
    assert presence.went("p1") is True
    assert presence.everyone == frozenset() and presence.here == frozenset()
    assert presence.went("p1") is False  # closing a socket twice does no harm


def test_everyone_online_in_another_process_counts_and_an_empty_set_is_a_goodbye() -> None:
    presence = Presence()
    presence.came("p1")
    presence.heard("other", ["p2", "p3"], now=0.0)
    assert presence.everyone == {"p1", "p2", "p3"}
    assert presence.here == {"p1"}
    presence.heard("other", ["p3"], now=1.0)  # each notice is the whole set, not a change
    assert presence.everyone == {"p1", "p3"}
    presence.heard("other", [], now=2.0)
    assert presence.everyone == {"p1"}


def test_a_process_not_heard_from_for_too_long_is_forgotten_and_one_that_beats_is_not() -> None:
    presence = Presence()
    presence.heard("silent", ["p1"], now=0.0)
    presence.heard("beating", ["p2"], now=0.0)
    presence.heard("beating", ["p2"], now=EXPIRES - 1)
    presence.expire(now=EXPIRES - 0.5)
    assert presence.everyone == {"p1", "p2"}
    presence.expire(now=EXPIRES + 0.5)
    assert presence.everyone == {"p2"}


def test_the_version_moves_only_when_who_is_online_anywhere_changes() -> None:
    presence = Presence()
    presence.came("p1")
    version = presence.version
    presence.came("p1")
    presence.heard("other", ["p1"], now=0.0)  # online in both processes: still one person
    presence.went("p1")
    presence.went("p1")  # gone here, still online there
    assert presence.version == version and presence.everyone == {"p1"}
    presence.heard("other", [], now=1.0)
    assert presence.version == version + 1 and presence.everyone == frozenset()
