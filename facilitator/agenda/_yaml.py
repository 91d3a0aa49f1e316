"""Read a YAML file into plain data, remembering the line of every setting and list item."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml  # type: ignore[import-untyped, unused-ignore]
from yaml.reader import ReaderError  # type: ignore[import-untyped, unused-ignore]

from ._checks import Loc
from ._problems import AgendaError, Problem

_MAX_VALUES = 50_000  # aliases can make a small file expand enormously
_MERGE_TAG = "tag:yaml.org,2002:merge"
_HINTS = {
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "could not find expected ':'": "a setting name needs a ':' after it, or the indentation is off",
    "mapping values are not allowed here": (
        "a ':' is in an unexpected place; put a text that contains ': ' in quotes, "
        "or check the indentation"
    ),
    "expected a single document in the stream, but found another document": (
        "one file holds one agenda; remove the '---' line and what follows, or split the file"
    ),
    "found unexpected end of stream": "a quote or bracket is opened but never closed",
    "expected <block end>, but found '<block mapping start>'": (
        "check the indentation: settings at the same level must start in the same column"
    ),
    "expected ',' or '}', but got '?'": (
        "inside { } put a text that contains '?', ':' or ',' in quotes"
    ),
    "expected ',' or '}', but got ':'": (
        "inside { } put a text that contains '?', ':' or ',' in quotes"
    ),
}


@dataclass
class Source:
    path: str
    data: object
    lines: dict[Loc, int]
    problems: list[Problem] = field(default_factory=list)  # e.g. a setting written twice

    def line(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest parent that the file has."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.path, self.line(loc), message)


class _Unreadable(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def read_source(path: str | Path) -> Source:
    """Raise AgendaError when the file cannot be read as YAML at all."""
    name = str(path)
    try:
        return _read(name, Path(path))
    except _Unreadable as exc:
        raise AgendaError([Problem(name, exc.line, exc.message)]) from None


def read_bytes(name: str, raw: bytes) -> Source:
    """A file's content as read (an upload, say); raise AgendaError when it is no YAML at all."""
    try:
        return _parse(name, raw)
    except _Unreadable as exc:
        raise AgendaError([Problem(name, exc.line, exc.message)]) from None


def _read(name: str, path: Path) -> Source:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _Unreadable(None, "file not found") from None
    except IsADirectoryError:
        raise _Unreadable(None, "this is a folder, not a file") from None
    except OSError as exc:
        raise _Unreadable(None, f"the file cannot be read: {exc.strerror or exc}") from None
    return _parse(name, raw)


def _parse(name: str, raw: bytes) -> Source:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _Unreadable(line, "the file is not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise _Unreadable(None, "the file is empty")
    try:
        loader = yaml.SafeLoader(text)
        root = loader.get_single_node()
        if root is None:
            raise _Unreadable(None, "the file is empty (it only has comments)")
        walker = _Walker(name, loader)
        data = walker.value(root, ())
    except yaml.MarkedYAMLError as exc:
        raise _Unreadable(*_syntax_error(exc)) from None
    except ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        message = (
            f"the file contains a character that YAML does not allow (code {exc.character:#x})"
        )
        raise _Unreadable(line, message) from None
    except yaml.YAMLError as exc:
        raise _Unreadable(None, f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise _Unreadable(None, "the file is nested too deeply") from None
    return Source(name, data, walker.lines, walker.problems)


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    mark = exc.problem_mark or exc.context_mark
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        mark = exc.context_mark  # the line with the setting name, not the line after it
    problem = exc.problem or exc.context or "unexpected text"
    if exc.context and problem.startswith("but "):
        problem = f"{exc.context}, {problem}"
    hint = _HINTS.get(problem)
    message = f"this is not valid YAML: {problem}" + (f" ({hint})" if hint else "")
    return (mark.line + 1 if mark is not None else None), message


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Walker:
    """Turns composed nodes into dicts, lists and scalars; records each one's line by location."""

    def __init__(self, path: str, loader: yaml.SafeLoader) -> None:
        self.path, self.loader = path, loader
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.open: set[int] = set()  # collections being walked: an alias to one is a cycle

    def value(self, node: yaml.Node, loc: Loc) -> object:
        self.count += 1
        if self.count > _MAX_VALUES:
            raise _Unreadable(_line(node), "the file expands to too many values (check aliases)")
        self.lines.setdefault(loc, _line(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        with self.entered(node):
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, (*loc, index)) for index, item in enumerate(node.value)]
            return self.mapping(node, loc)

    @contextmanager
    def entered(self, node: yaml.Node) -> Iterator[None]:
        if id(node) in self.open:
            raise _Unreadable(_line(node), "an alias refers to a value that contains it")
        self.open.add(id(node))
        try:
            yield
        finally:
            self.open.discard(id(node))

    def scalar(self, node: yaml.ScalarNode) -> object:
        constructors = self.loader.yaml_constructors
        construct = constructors.get(node.tag) or constructors[None]
        try:
            return construct(self.loader, node)
        except (yaml.YAMLError, ValueError, TypeError):
            message = f"cannot read the value '{node.value}'"
            if not str(node.tag).startswith("tag:yaml.org,2002:"):
                message = f"the YAML tag '{node.tag}' is not supported here; remove it"
            self.problems.append(Problem(self.path, _line(node), message))
            return str(node.value)

    def mapping(self, node: yaml.Node, loc: Loc) -> dict[str, object]:
        result: dict[str, object] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            line = _line(key_node)
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
            elif not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(self.path, line, "a setting name must be a plain word, not a list")
                )
            elif str(key_node.value) in result:
                message = f"the setting '{key_node.value}' is written twice here; keep only one"
                self.problems.append(Problem(self.path, line, message))
            else:
                key = str(key_node.value)
                self.lines.setdefault((*loc, key), line)
                result[key] = self.value(value_node, (*loc, key))
        for merge in merges:  # `<<: *defaults` fills in the settings not written out
            for source in merge.value if isinstance(merge, yaml.SequenceNode) else [merge]:
                if not isinstance(source, yaml.MappingNode):
                    message = "'<<' must refer to a group of settings"
                    self.problems.append(Problem(self.path, _line(source), message))
                    continue
                with self.entered(source):
                    for key, value in self.mapping(source, loc).items():
                        result.setdefault(key, value)
        return result
