"""Refusals: the core's answer to a command it will not carry out.

A refusal is data, not an exception: `decide()` returns it and the edge translates
``message`` (an English msgid with ``{name}`` placeholders) into the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal:
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    code: str = "refused"

    def render(self, translate: Any = None) -> str:
        """The message in the caller's language (``translate`` is a gettext-like callable)."""
        template = translate(self.message) if translate else self.message
        return str(template).format(**self.params)
