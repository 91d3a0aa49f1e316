"""Text the system can always store and show: core/text.py, and the rules that use it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.agenda import GroupWorkPhase, LeaderPanelPhase, LeaderTriagePhase, Role, Text
from facilitator.core import board, catalogue
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import (
    BoardCommand,
    CreateTheme,
    EditIdea,
    Join,
    PostIdea,
    RenameTheme,
)
from facilitator.core.board_state import BoardState
from facilitator.core.catalogue_messages import (
    AskQuestion,
    ImportedEntry,
    RevealDecision,
    Triage,
    TriageField,
)
from facilitator.core.catalogue_state import CatalogueState
from facilitator.core.errors import INVALID
from facilitator.core.text import scrubbed, scrubbed_value, storable, storable_value
from tests.core.decisions import accepted, folded, refused

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TITLE = Text(da="x", en="x")
WORK = GroupWorkPhase(key="work", title=TITLE, minutes=30, board="ideas")
TRIAGE = LeaderTriagePhase(key="triage", title=TITLE, minutes=60, catalogue="day-1")
PANEL = LeaderPanelPhase(key="panel", title=TITLE, minutes=45, catalogue="day-1")
ANNA = Actor(Role.PARTICIPANT, "anna")
LEA = Actor(Role.LEADER, "lea")

# What neither database, nor a page or a socket, can carry; one of each kind.
UNSTORABLE = [
    "\ud800",  # a lone high surrogate (JSON "\ud800")
    "\udfff",  # a lone low surrogate
    "\x00",  # NUL: PostgreSQL's text refuses it
    "\x01",
    "\x08",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",  # C1
    "\x9f",
    "\ufdd0",  # non-characters
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
]
# What must stay: whitespace people type, emoji, RTL, combining and zero-width characters.
STORABLE = ["\t", "\n", "\r", "😀", "שלום", "e\u0301", "\u200b", "\u202e", "\ufffd", "ø", "\xa0"]

unstorable_char = st.sampled_from(UNSTORABLE)
any_text = st.lists(st.one_of(st.text(max_size=4), unstorable_char), max_size=6).map("".join)


@pytest.mark.parametrize("char", UNSTORABLE, ids=ascii)
def test_what_cannot_be_stored_is_named_and_scrubbed(char: str) -> None:
    assert not storable(f"a{char}b")
    assert scrubbed(f"a{char}b") == "a\ufffdb"


@pytest.mark.parametrize("char", STORABLE, ids=ascii)
def test_what_people_type_is_storable_and_left_alone(char: str) -> None:
    assert storable(f"a{char}b")
    assert scrubbed(f"a{char}b") == f"a{char}b"


@given(any_text)
def test_scrubbed_text_is_storable_and_encodes_as_utf8(text: str) -> None:
    clean = scrubbed(text)
    assert storable(clean) and len(clean) == len(text)
    clean.encode("utf-8")  # what a page or a socket does with it
    assert scrubbed(clean) == clean
    assert storable(text) == (clean == text)


@given(st.recursive(st.none() | st.integers() | any_text, lambda inner: st.lists(inner)))
def test_a_decoded_value_is_storable_exactly_when_scrubbing_changes_nothing(value: object) -> None:
    clean = scrubbed_value({"key\x00": value, "list": [value]})
    assert storable_value(clean)
    json.dumps(clean, ensure_ascii=False).encode("utf-8")
    assert storable_value(value) == (scrubbed_value(value) == value)


# --- the rules refuse it, with one refusal ----------------------------------------------


def board_refusal(state: BoardState, command: BoardCommand, actor: Actor) -> str:
    return refused(board.decide(state, WORK, command, actor, T0, "new"))


def with_anna() -> BoardState:
    join = Join(name="Anna", department="Miljø")
    state = BoardState.empty()
    state = folded(state, accepted(board.decide(state, None, join, ANNA, T0, "anna")), board.evolve)
    post = PostIdea(text="Én indgang")
    return folded(state, accepted(board.decide(state, WORK, post, ANNA, T0, "idea")), board.evolve)


@pytest.mark.parametrize("char", UNSTORABLE, ids=ascii)
def test_ideas_themes_and_names_with_unstorable_text_are_refused(char: str) -> None:
    state = with_anna()
    text = f"Mere {char} kaffe"
    commands: list[tuple[BoardCommand, Actor]] = [
        (PostIdea(text=text), ANNA),
        (EditIdea(idea="idea", text=text), ANNA),
        (CreateTheme(name=text), FACILITATOR),
    ]
    for command, actor in commands:
        assert board_refusal(state, command, actor) == "bad_characters"
    theme = accepted(board.decide(state, WORK, CreateTheme(name="Kaffe"), FACILITATOR, T0, "t"))
    themed = folded(state, theme, board.evolve)
    assert board_refusal(themed, RenameTheme(theme="t", name=text), FACILITATOR) == (
        "bad_characters"
    )
    bo = Actor(Role.PARTICIPANT, "bo")
    for name, department in [(text, "Plan"), ("Bo", text)]:
        answer = board.decide(state, None, Join(name=name, department=department), bo, T0, "bo")
        assert refused(answer) == "bad_characters"


def test_the_refusal_is_invalid_and_says_why_in_words() -> None:
    answer = board.decide(with_anna(), WORK, PostIdea(text="x\ud800y"), ANNA, T0, "new")
    assert not isinstance(answer, list)
    assert answer.kind is INVALID and answer.code == "bad_characters"
    assert answer.render() == "The text contains characters that cannot be stored."


@pytest.mark.parametrize("text", STORABLE, ids=ascii)
def test_storable_text_is_posted_as_it_is(text: str) -> None:
    answer = board.decide(with_anna(), WORK, PostIdea(text=f"a{text}b"), ANNA, T0, "new")
    assert accepted(answer)[0].text == f"a{text}b"  # type: ignore[union-attr]


def the_catalogue() -> CatalogueState:
    entry = ImportedEntry(id="a", text="Forslag", origin="day-1", group="g1", votes=1, theme=None)
    state = CatalogueState.empty()
    return folded(
        state, catalogue.on_enter(state, TRIAGE, {"day-1": (entry,)}, T0), catalogue.evolve
    )


@pytest.mark.parametrize("char", UNSTORABLE, ids=ascii)
@pytest.mark.parametrize("field", ["owner", "rationale"])
def test_an_owner_or_rationale_with_unstorable_text_is_refused(
    field: TriageField, char: str
) -> None:
    command = Triage(entry="a", field=field, value=f"Mil{char}jø")
    answer = catalogue.decide(the_catalogue(), TRIAGE, command, LEA, T0, "c")
    assert refused(answer) == "bad_characters"


@pytest.mark.parametrize("char", UNSTORABLE, ids=ascii)
def test_a_panel_question_with_unstorable_text_is_refused(char: str) -> None:
    state = the_catalogue()
    verdict = Triage(entry="a", field="verdict", value="start_now")
    state = folded(
        state, accepted(catalogue.decide(state, TRIAGE, verdict, LEA, T0, "v")), catalogue.evolve
    )
    reveal = catalogue.decide(state, PANEL, RevealDecision(entry="a"), LEA, T0, "r")
    state = folded(state, accepted(reveal), catalogue.evolve)
    question = AskQuestion(text=f"Hvorfor {char}?", entry="a")
    assert refused(catalogue.decide(state, PANEL, question, ANNA, T0, "q")) == "bad_characters"
    fine = AskQuestion(text="Hvorfor 😀?", entry="a")
    assert accepted(catalogue.decide(state, PANEL, fine, ANNA, T0, "q"))
