"""Writing agendas as files: the data an author would write, and its YAML.

What is written is what ``_yaml`` reads back to the same agenda: settings left at their
defaults are left out, every phase starts with its key, kind, title and minutes, and a text
in Danish and English fits on one line where it is short (``{da: …, en: …}``), as the
shipped files write it. The programme's pulse is never written: a programme defines it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from ._models import Agenda
from ._phases import Phase

_FIRST = ("key", "kind", "title", "minutes")
_SHORT = 72  # a {da, en} text this long or shorter fits on one line


def agenda_data(agenda: Agenda) -> dict[str, Any]:
    """The agenda as its file holds it (plain data; no pulse, no default values)."""
    return {
        "key": agenda.key,
        "title": agenda.title.model_dump(mode="json"),
        "length": agenda.length.value,
        "audience": agenda.audience,
        "phases": [phase_data(phase) for phase in agenda.phases],
    }


def phase_data(phase: Phase) -> dict[str, Any]:
    written = phase.model_dump(mode="json", exclude_defaults=True)
    first = {"key": phase.key, "kind": phase.kind.value, **{k: written[k] for k in _FIRST[2:]}}
    return {**first, **{k: v for k, v in written.items() if k not in first}}


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their setting, short bilingual texts on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _mapping(dumper: yaml.SafeDumper, data: Mapping[str, Any]) -> yaml.Node:
    flow = (
        set(data) == {"da", "en"}
        and all(isinstance(v, str) and "\n" not in v for v in data.values())
        and sum(len(v) for v in data.values()) <= _SHORT
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(dict, _mapping)


def to_yaml(data: Mapping[str, Any], heading: str = "") -> str:
    """``data`` as YAML text (any data: a draft that does not validate included), after a
    comment of ``heading``'s lines."""
    body: str = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in heading.splitlines())
    # A blank line between phases, as the shipped files are written.
    spaced = body.replace("\n  - key:", "\n\n  - key:").replace(":\n\n  - key:", ":\n  - key:")
    return comment + spaced
