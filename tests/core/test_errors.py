"""Every refusal the core can give: one meaning per code, and a kind for each.

The registry is read from the core's source, so that the refusals made inside a function
(``machine.decide``) count as much as the module's constants; babel reads the same calls.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from facilitator.core import (
    board_rules,
    catalogue,
    machine,
    people,
    polls,
    pulse,
    questions,
    workshop,
)
from facilitator.core.errors import Refusal, RefusalKind

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "facilitator" / "core"

# One meaning, worded for where it is refused: only the facilitator may (steer the agenda).
WORDED_TWICE = {"forbidden"}


@dataclass(frozen=True)
class Made:
    where: str
    code: str
    message: str
    kind: RefusalKind | None


def _kind(node: ast.expr | None) -> RefusalKind | None:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return RefusalKind.__members__.get(name) if isinstance(name, str) else None


def _made(path: Path) -> list[Made]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refusal"):
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        keywords = {k.arg: k.value for k in node.keywords}
        message = node.args[0] if node.args else keywords.get("message")
        code = node.args[2] if len(node.args) > 2 else keywords.get("code")
        assert isinstance(message, ast.Constant) and isinstance(message.value, str), where
        assert isinstance(code, ast.Constant) and isinstance(code.value, str), where
        found.append(Made(where, code.value, message.value, _kind(keywords.get("kind"))))
    return found


REGISTRY = [made for path in sorted(CORE.glob("*.py")) for made in _made(path)]


def test_the_registry_finds_the_refusals_of_every_module() -> None:
    modules = {made.where.split(":")[0].rsplit("/", 1)[-1] for made in REGISTRY}
    assert {"board_rules.py", "catalogue.py", "machine.py", "workshop.py"} <= modules
    assert len(REGISTRY) >= 60


def test_every_refusal_states_its_kind() -> None:
    assert [made.where for made in REGISTRY if made.kind is None] == []
    with pytest.raises(TypeError):
        Refusal("There is no phase {number}.", {"number": 7}, "no_phase")  # type: ignore[call-arg]


def test_each_code_has_one_msgid_and_one_kind() -> None:
    messages: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[RefusalKind | None]] = defaultdict(set)
    for made in REGISTRY:
        messages[made.code].add(made.message)
        kinds[made.code].add(made.kind)
    twice = {code: sorted(m) for code, m in messages.items() if len(m) > 1}
    assert set(twice) <= WORDED_TWICE, twice
    assert {code: k for code, k in kinds.items() if len(k) > 1} == {}


def test_each_msgid_has_one_code() -> None:
    codes: dict[str, set[str]] = defaultdict(set)
    for made in REGISTRY:
        codes[made.message].add(made.code)
    assert {message: c for message, c in codes.items() if len(c) > 1} == {}


@pytest.mark.parametrize(
    "module", [board_rules, catalogue, machine, workshop, people, questions, polls, pulse]
)
def test_the_modules_refusals_are_the_registrys(module: ModuleType) -> None:
    known = {(made.code, made.message, made.kind) for made in REGISTRY}
    for name, value in vars(module).items():
        if isinstance(value, Refusal):
            assert isinstance(value.kind, RefusalKind), name
            assert (value.code, value.message, value.kind) in known, name


def test_the_api_documents_every_code_with_its_kind() -> None:
    text = (ROOT / "docs" / "api.md").read_text()
    section = text.split("## 8. Refusal codes", 1)[1].split("**Edge**", 1)[0]
    rows = re.findall(r"^\| `(\w+)` +\| `(\w+)` +\|", section, flags=re.MULTILINE)
    documented = dict(rows)
    assert len(documented) == len(rows), "a code is documented twice"
    made = {m.code: str(m.kind) for m in REGISTRY}
    assert documented == made
