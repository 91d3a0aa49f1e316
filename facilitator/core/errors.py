"""Refusals: the core's answer to a command it will not carry out.

A refusal is data, not an exception: `decide()` returns it and the edge translates
``message`` (an English msgid with ``{name}`` placeholders) into the user's language.
Each ``code`` has one meaning (and one msgid), and each refusal states its ``kind``,
which is all an edge needs to choose its answer (HTTP: 403, 409 or 422).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from typing import Any


class RefusalKind(StrEnum):
    """Why a command is refused, in the terms an edge answers with."""

    NOT_ALLOWED = "not_allowed"
    """Who is asking may not do this (their role, membership or authorship)."""
    CONFLICT = "conflict"
    """The workshop's state refuses it now (phase, status, what exists, what was done)."""
    INVALID = "invalid"
    """The command's own content will not do, whatever the state: empty, too long, a value
    out of range."""


NOT_ALLOWED = RefusalKind.NOT_ALLOWED
CONFLICT = RefusalKind.CONFLICT
INVALID = RefusalKind.INVALID


@dataclass(frozen=True)
class Refusal:
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    code: str = "refused"
    _: KW_ONLY
    kind: RefusalKind

    def render(self, translate: Any = None) -> str:
        """The message in the caller's language (``translate`` is a gettext-like callable)."""
        template = translate(self.message) if translate else self.message
        return str(template).format(**self.params)
